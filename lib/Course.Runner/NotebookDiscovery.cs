using System.Text.RegularExpressions;

namespace Course.Runner;

/// <summary>Finds the course notebooks: *.ipynb in one folder, sorted by file name, `_`-prefixed files skipped.</summary>
public static class NotebookDiscovery
{
    /// <summary>Notebooks in <paramref name="folder"/> (not recursive), sorted ordinally by file name.</summary>
    /// <param name="folder">Folder to search; a missing folder yields no notebooks.</param>
    /// <param name="filter">Null, a substring of the file name, or a glob with * and ?.</param>
    public static IReadOnlyList<string> Find(string folder, string? filter = null)
    {
        if (!Directory.Exists(folder))
            return [];
        return Directory.EnumerateFiles(folder, "*.ipynb")
            .Where(path => !Path.GetFileName(path).StartsWith('_'))
            .Where(path => filter is null || Matches(Path.GetFileName(path), filter))
            .OrderBy(path => Path.GetFileName(path), StringComparer.Ordinal)
            .ToArray();
    }

    private static bool Matches(string fileName, string filter)
    {
        if (!filter.Contains('*') && !filter.Contains('?'))
            return fileName.Contains(filter, StringComparison.OrdinalIgnoreCase);
        var pattern = "^" + Regex.Escape(filter).Replace("\\*", ".*").Replace("\\?", ".") + "$";
        return Regex.IsMatch(fileName, pattern, RegexOptions.IgnoreCase);
    }
}
