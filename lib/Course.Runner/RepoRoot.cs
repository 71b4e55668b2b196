namespace Course.Runner;

/// <summary>Finds the repository root (the folder holding Course.sln), whatever the caller's working directory.</summary>
public static class RepoRoot
{
    /// <summary>Walks up from <paramref name="start"/> (default: this assembly's folder, then the current directory).</summary>
    /// <exception cref="DirectoryNotFoundException">No Course.sln above the start folder.</exception>
    public static string Find(string? start = null)
    {
        foreach (var origin in start is null ? new[] { AppContext.BaseDirectory, Environment.CurrentDirectory } : [start])
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Course.sln")))
                    return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No Course.sln found above '{start ?? AppContext.BaseDirectory}'.");
    }
}
