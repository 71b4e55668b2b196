using System.Text.RegularExpressions;
using System.Xml.Linq;
using Course.Runner;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Notebooks.Tests;

/// <summary>Static checks on the notebooks and the shared setup (no kernel).</summary>
public partial class SetupTests
{
    /// <summary>The one line every course notebook's first code cell holds.</summary>
    public const string SetupLine = "#!import _setup.dib";

    [GeneratedRegex("""#r\s+"nuget:\s*(?<name>[^,"\s]+)\s*(,\s*(?<version>[^"\s]+))?\s*"(?<rest>.*)$""", RegexOptions.Multiline)]
    private static partial Regex NugetReference();

    private static Dictionary<string, string> CentralVersions() =>
        XDocument.Load(Path.Combine(Paths.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);

    /// <summary>Problems with the `#r "nuget: ..."` lines of one file: unpinned, or pinned differently from Directory.Packages.props.</summary>
    public static List<string> PinProblems(string path, IReadOnlyDictionary<string, string> central)
    {
        var problems = new List<string>();
        foreach (Match m in NugetReference().Matches(Code(path)))
        {
            var name = m.Groups["name"].Value;
            var version = m.Groups["version"].Success ? m.Groups["version"].Value : null;
            var file = Path.GetRelativePath(Paths.Root, path);
            if (!central.TryGetValue(name, out var expected))
                problems.Add($"{file}: {name} is not in Directory.Packages.props");
            else if (version != expected)
                problems.Add($"{file}: {name} pinned to {version ?? "(no version)"}, Directory.Packages.props has {expected}");
        }
        return problems;
    }

    /// <summary>The code a file holds: an .ipynb's cell sources (its JSON escapes quotes), else the text itself.</summary>
    public static string Code(string path)
    {
        var text = File.ReadAllText(path);
        return path.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)
            ? string.Join("\n", Notebook.Parse(text, NotebookRunner.KernelInfos()).Elements.Select(e => e.Contents))
            : text;
    }

    /// <summary>Null if the notebook's first code cell is exactly the setup line, else what is wrong.</summary>
    public static string? FirstCellProblem(string notebookPath)
    {
        var document = Notebook.Parse(File.ReadAllText(notebookPath), NotebookRunner.KernelInfos());
        var first = document.Elements.FirstOrDefault(e => e.KernelName is not ("markdown" or "md"));
        var name = Path.GetFileName(notebookPath);
        if (first is null)
            return $"{name}: has no code cell";
        return first.Contents.Trim() == SetupLine
            ? null
            : $"{name}: first code cell must be `{SetupLine}` alone, found `{first.Contents.Trim().Split('\n')[0]}`";
    }

    private static IEnumerable<string> FilesWithPackageReferences() =>
        Directory.EnumerateFiles(Paths.Notebooks).Where(f => f.EndsWith(".ipynb") || f.EndsWith(".dib") || f.EndsWith(".csx"))
            .Concat(Directory.EnumerateFiles(Paths.Fixtures, "*.ipynb"));

    [Fact]
    public void Notebooks_and_setup_pin_the_package_versions_of_Directory_Packages_props()
    {
        var central = CentralVersions();
        var problems = FilesWithPackageReferences().SelectMany(f => PinProblems(f, central)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The shared build cell does reference the packages (a regex that matched nothing would pass vacuously).
        Assert.Equal(4, NugetReference().Matches(Code(Path.Combine(Paths.Notebooks, "_build.dib"))).Count);
    }

    [Fact]
    public void A_version_that_differs_from_Directory_Packages_props_is_reported()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("course-pin-").FullName, "x.dib");
        var build = File.ReadAllText(Path.Combine(Paths.Notebooks, "_build.dib"));
        File.WriteAllText(file, build
            .Replace("MathNet.Numerics, 5.0.0", "MathNet.Numerics, 4.15.0", StringComparison.Ordinal)
            .Replace("System.Numerics.Tensors, 10.0.0", "System.Numerics.Tensors", StringComparison.Ordinal));
        var problems = PinProblems(file, CentralVersions());
        Assert.Equal(2, problems.Count);
        Assert.Contains("4.15.0", problems[0]);
        Assert.Contains("(no version)", problems[1]);
    }

    [Fact]
    public void Every_course_notebook_starts_with_the_setup_line()
    {
        var problems = NotebookDiscovery.Find(Paths.Notebooks).Select(FirstCellProblem).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The check itself: the probe passes, the smoke fixture (setup-equivalent cells) does not.
        Assert.Null(FirstCellProblem(Paths.Fixture("_setup-probe.ipynb")));
        Assert.NotNull(FirstCellProblem(Paths.Fixture("smoke.ipynb")));
    }
}
