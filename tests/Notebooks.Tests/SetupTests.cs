using System.Text.RegularExpressions;
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
    public void Notebooks_and_the_setup_restore_no_NuGet_package()
    {
        // A `#r "nuget:"` runs a NuGet restore in the kernel, 2.3-2.8 s of a notebook's start (measured, 1.0.712001): the
        // packages' DLLs sit beside the course library instead (CopyLocalLockFileAssemblies), at Directory.Packages.props' versions.
        var found = FilesWithPackageReferences().Where(f => NugetReference().IsMatch(Code(f))).Select(f => Path.GetRelativePath(Paths.Root, f)).ToList();
        Assert.True(found.Count == 0, "restores a package in the kernel: " + string.Join(", ", found));
        // The pattern does find a directive: an empty list must not come from a regex that matches nothing.
        Assert.Matches(NugetReference(), "#r \"nuget: MathNet.Numerics, 5.0.0\"");
        Assert.Contains(FilesWithPackageReferences(), f => f.EndsWith("_setup.dib", StringComparison.Ordinal));
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
