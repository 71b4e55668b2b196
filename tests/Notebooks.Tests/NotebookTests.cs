using Course.Runner;

namespace Notebooks.Tests;

/// <summary>Every course notebook, run in the real dotnet-interactive tool exactly as VS Code runs it.</summary>
[Collection("kernel")]
public class NotebookTests
{
    /// <summary>
    /// notebooks/*.ipynb plus the fixtures that must pass (tests/Notebooks.Tests/Fixtures/*.ipynb), both found by
    /// the runner's own discovery, so the theory is never empty and discovery is exercised by the smoke fixture.
    /// Each runs once per test run (<see cref="ExecutedCourse"/>); the site tests render the same executed copies.
    /// </summary>
    public static TheoryData<string> CourseNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in ExecutedCourse.Notebooks)
            data.Add(Path.GetRelativePath(Paths.Root, path));
        return data;
    }

    [Theory]
    [MemberData(nameof(CourseNotebooks))]
    public async Task Notebook_runs_in_the_real_kernel_and_draws_a_chart(string notebook)
    {
        var output = ExecutedCourse.ExecutedPath(notebook);
        var result = await ExecutedCourse.RunAsync(Path.Combine(Paths.Root, notebook));

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(result.CodeCellCount, result.Cells.Count);
        Assert.True(result.ChecksFailed == 0, $"{notebook}: {result.ChecksFailed} self-check(s) printed ✗.");
        // The written notebook, not only the in-memory result, must carry the chart.
        var written = await File.ReadAllTextAsync(output);
        if (written.Contains("Exercises.Check(", StringComparison.Ordinal))
            Assert.True(result.Exercises.Count > 0 && result.Exercises.Values.All(v => v == "not attempted"),
                $"{notebook}: shipped stubs should report \"not attempted\" ({string.Join(", ", result.Exercises.Select(e => $"{e.Key} {e.Value}"))}).");
        Assert.True(result.Charts > 0 && written.Contains("renderPlotly_", StringComparison.Ordinal),
            $"{notebook}: no chart output (a text/html output holding a Plotly.NET chart); every course notebook draws one.");
    }

    [Fact]
    public void Discovery_sorts_by_name_and_skips_underscore_files()
    {
        var found = NotebookDiscovery.Find(Paths.Fixtures).Select(p => Path.GetFileName(p)).ToArray();
        Assert.Equal(["smoke.ipynb"], found);
        Assert.Empty(NotebookDiscovery.Find(Paths.Fixtures, "nothing-matches"));
        Assert.Equal(["smoke.ipynb"], NotebookDiscovery.Find(Paths.Fixtures, "sm*.ipynb").Select(p => Path.GetFileName(p)));
        Assert.Empty(NotebookDiscovery.Find(Path.Combine(Paths.Fixtures, "missing-folder")));
    }
}
