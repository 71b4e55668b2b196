using System.Diagnostics;

namespace Course.Authoring;

/// <summary>
/// The course as students get it (nbgrader's "release" step): the notebooks with their exercise stubs, the course
/// library, the exercises' cases and checks, the charts, the data and the build files — and no reference answer
/// anywhere: lib/Course.Solutions, the grader and the tests stay in the instructor's repository.
/// </summary>
public static class StudentRelease
{
    /// <summary>What the release holds, relative to the repository root (folders are copied without bin/ and obj/).</summary>
    public static IReadOnlyList<string> Parts { get; } =
    [
        "notebooks", "lib/Attention", "lib/Course.Grading", "lib/Attention.Exercises", "lib/Attention.Plots", "lib/Attention.Models", "lib/Notebooks.slnf", "data",
        "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig", ".config", ".vscode/extensions.json",
        ".devcontainer", "LICENSE",
    ];

    /// <summary>The projects of the release's solution (the one lib/Notebooks.slnf filters).</summary>
    public static IReadOnlyList<string> Projects { get; } =
        [
            "lib/Attention/Attention.csproj", "lib/Course.Grading/Course.Grading.csproj", "lib/Attention.Exercises/Attention.Exercises.csproj", "lib/Attention.Plots/Attention.Plots.csproj",
            "lib/Attention.Models/Attention.Models.csproj",
        ];

    /// <summary>Writes the release of the repository at <paramref name="root"/> into <paramref name="target"/> (emptied first).</summary>
    public static void Write(string root, string target)
    {
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        foreach (string part in Parts)
        {
            string from = Path.Combine(root, part);
            if (Directory.Exists(from))
            {
                foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
                {
                    string relative = Path.GetRelativePath(root, file);
                    if (!relative.Split('/', '\\').Any(segment => segment is "bin" or "obj" or "node_modules"))
                    {
                        Copy(file, Path.Combine(target, relative));
                    }
                }
            }
            else if (File.Exists(from))
            {
                Copy(from, Path.Combine(target, part));
            }
        }

        // A solution holding just the released projects, for lib/Notebooks.slnf (which names ../Course.sln).
        Dotnet(target, "new", "sln", "--name", "Course", "--format", "sln");
        foreach (string project in Projects)
        {
            Dotnet(target, "sln", "Course.sln", "add", project);
        }

        File.WriteAllText(Path.Combine(target, "README.md"), """
            # Attention Math in C# — student release

            Open this folder in VS Code with the Polyglot Notebooks extension, open a notebook in `notebooks/` and press
            Run All: its first cell builds the course library (`dotnet build lib/Notebooks.slnf -c Debug`) when needed.
            Each exercise has a stub cell to replace and a check cell that runs the same cases the grader runs.
            Reference answers are not part of this release.

            Code: MIT (`LICENSE`); the notebooks' prose: CC BY 4.0.

            """);
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
    }

    private static void Dotnet(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        string errors = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed in {folder}: {errors}");
        }
    }
}
