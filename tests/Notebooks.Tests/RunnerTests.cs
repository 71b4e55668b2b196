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
    public async Task The_shared_setup_fails_with_the_build_command_when_the_library_is_missing()
    {
        // A notebooks folder whose ../lib has no built DLL.
        var root = Directory.CreateTempSubdirectory("course-nolib-").FullName;
        var notebooks = Directory.CreateDirectory(Path.Combine(root, "notebooks")).FullName;
        File.Copy(Path.Combine(Paths.Notebooks, "_setup.dib"), Path.Combine(notebooks, "_setup.dib"));

        var result = await new NotebookRunner(repoRoot: Paths.Root)
            .RunAsync(Paths.Fixture("_setup-probe.ipynb"), workingDirectory: notebooks);

        Assert.False(result.Succeeded);
        Assert.Contains("cell 1", result.FailureMessage);
        Assert.Contains("dotnet build lib/Attention", result.FailureMessage);
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
