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
        "notebooks", "lib/Attention", "lib/Course.Grading", "lib/Attention.Exercises", "lib/Attention.Plots", "lib/Attention.Models", "lib/Attention.Training", "lib/Notebooks.slnf", "lib/Directory.Build.props", "data",
        "lib/Course.Runner", "lib/Course.Site", "tools/site-assets",
        "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig", ".config", ".vscode/extensions.json",
        ".devcontainer", "LICENSE",
    ];

    /// <summary>The projects of the release's solution (the one lib/Notebooks.slnf filters).</summary>
    public static IReadOnlyList<string> Projects { get; } =
        [
            "lib/Attention/Attention.csproj", "lib/Course.Grading/Course.Grading.csproj", "lib/Attention.Exercises/Attention.Exercises.csproj", "lib/Attention.Plots/Attention.Plots.csproj",
            "lib/Attention.Models/Attention.Models.csproj", "lib/Attention.Training/Attention.Training.csproj", "lib/Course.Site/Course.Site.csproj", "lib/Course.Runner/Course.Runner.csproj",
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

        File.WriteAllText(Path.Combine(target, "README.md"), Readme);
    }

    /// <summary>The release's README: what a student needs, how to run and check, what to hand in.</summary>
    public const string Readme = """
        # Attention Math in C# — student release

        Fifteen notebooks on how transformer attention works (sections 4–6), each ending with graded exercises.

        ## What you need

        - The .NET 10 SDK (`dotnet --version` prints 10.x).
        - Either VS Code with the Polyglot Notebooks extension, or nothing more: the headless command below runs a notebook
          in the same kernel and writes the executed copy.
        - Optionally Node.js and npm, to build the offline website of your executed notebooks (`artifacts/site/`).

        ## Run a notebook

        In VS Code: open this folder, open a notebook in `notebooks/`, press Run All. The first cell builds the course
        library when needed (`dotnet build lib/Notebooks.slnf`).

        Headless, from this folder:

        ```bash
        dotnet run --project lib/Course.Runner -- run --filter 05.1     # one notebook (a glob such as 05.* works too)
        dotnet run --project lib/Course.Runner -- run                   # every notebook
        ```

        Executed copies go to `artifacts/executed/`; the summary has one row per notebook: `ok` when the notebook's own
        checks pass, and an `exercises` column with your exercises (passed, lost points, not attempted).

        ## Exercises

        Each exercise has three cells after the notebook's `## Exercises` heading: the task, a stub that starts with
        `// Exercise 5.1a: …` and throws `NotImplementedException`, and a check cell `Exercises.Check("5.1a", …)`.
        Replace the stub's body with your function, then run the check: it prints one ✓/✗ line per practice case and a
        hint. The grader runs the same practice cases plus hidden cases drawn fresh for each grading run (worth two
        thirds of the points), so test your function beyond the practice cases, edge cases included. Write your function
        yourself: calls to the library members that answer the exercise, and APIs outside the allowed ones (files,
        network, processes, reflection), are refused and earn nothing.

        ## What to hand in

        Hand in the notebook files (`notebooks/NN.N-*.ipynb`) your instructor asks for, as they are after your work.
        The grader finds each exercise by its cell: keep the first line `// Exercise 5.1a: …` and the cell's metadata
        (do not delete the cell and paste a new one), keep the function's name and signature, and put any helper inside
        the exercise cell: only exercise cells are graded, check cells and other cells are ignored.

        Reference answers are not part of this release. Code: MIT (`LICENSE`); the notebooks' prose: CC BY 4.0.

        """;

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
