using Microsoft.DotNet.Interactive.Documents;

namespace Course.Runner;

/// <summary>One output of a cell, as the kernel produced it.</summary>
/// <param name="Kind">"display", "return", "stdout", "stderr" or "error".</param>
/// <param name="Values">Formatted values by MIME type (stdout/stderr/error use "text/plain").</param>
public sealed record CellOutput(string Kind, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>The text/plain value, if any.</summary>
    public string? Text => Values.TryGetValue("text/plain", out var text) ? text : null;

    /// <summary>The text/html value, if any.</summary>
    public string? Html => Values.TryGetValue("text/html", out var html) ? html : null;

    /// <summary>True for an HTML output holding a Plotly.NET chart (<see cref="Course.Site.ChartHtml.IsChart"/>).</summary>
    public bool IsChart => Course.Site.ChartHtml.IsChart(Html);
}

/// <summary>The outcome of one executed code cell.</summary>
/// <param name="Index">0-based position of the cell in the notebook (markdown cells counted).</param>
/// <param name="KernelName">The kernel the cell ran in (csharp unless the cell says otherwise).</param>
/// <param name="FirstLine">The cell's first non-blank line, to name it in messages.</param>
/// <param name="Outputs">Outputs in the order the kernel produced them (updated displays replaced in place).</param>
/// <param name="Error">Null on success; otherwise the kernel's error text (or the timeout/crash reason).</param>
/// <param name="Elapsed">Wall time of the cell.</param>
public sealed record CellResult(int Index, string KernelName, string FirstLine, IReadOnlyList<CellOutput> Outputs,
    string? Error, TimeSpan Elapsed)
{
    /// <summary>True when the cell ran to CommandSucceeded.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>The outcome of one notebook run in a fresh kernel.</summary>
/// <param name="NotebookPath">The source notebook.</param>
/// <param name="Cells">Executed code cells, in order; the last one is the failure if the run failed.</param>
/// <param name="CodeCellCount">Code cells in the notebook (run or not).</param>
/// <param name="Elapsed">Wall time including kernel start.</param>
/// <param name="FailureMessage">Null on success; names the notebook, cell index, first line and error.</param>
/// <param name="Executed">The notebook with outputs (cells after a failure keep no outputs).</param>
public sealed partial record NotebookResult(string NotebookPath, IReadOnlyList<CellResult> Cells, int CodeCellCount,
    TimeSpan Elapsed, string? FailureMessage, InteractiveDocument Executed)
{
    /// <summary>True when every code cell succeeded.</summary>
    public bool Succeeded => FailureMessage is null;

    /// <summary>Output lines starting with ✓ from the notebook's own self-checks (exercise reports not counted).</summary>
    public int ChecksPassed => CountLines("✓", exercises: false);

    /// <summary>Output lines starting with ✗ from the notebook's own self-checks: a broken notebook, not a wrong answer.</summary>
    public int ChecksFailed => CountLines("✗", exercises: false);

    /// <summary>
    /// The exercise reports the notebook's check cells printed (<c>Exercise 4.1a: … — 2/2 points (4/4 cases)</c>), by id:
    /// "passed", "not attempted", or "lost points". A student's wrong answer shows here, never as a failed self-check.
    /// </summary>
    public IReadOnlyDictionary<string, string> Exercises => ExerciseReports()
        .Select(text => text.Split('\n')[0])
        .Select(header => ExerciseHeader().Match(header))
        .Where(m => m.Success)
        .GroupBy(m => m.Groups[1].Value)
        .ToDictionary(g => g.Key, g => g.Last().Groups[2].Value switch
        {
            var rest when rest.StartsWith("not attempted", StringComparison.Ordinal) => "not attempted",
            var rest when PointsOf(rest) is (double got, double max) && got == max => "passed",
            _ => "lost points",
        });

    /// <summary>Outputs that are course charts.</summary>
    public int Charts => Cells.Sum(c => c.Outputs.Count(o => o.IsChart));

    private int CountLines(string mark, bool exercises) => Cells
        .SelectMany(c => c.Outputs)
        .Select(o => o.Text ?? "")
        .Where(text => IsExerciseReport(text) == exercises)
        .SelectMany(text => text.Split('\n'))
        .Count(line => line.TrimStart().StartsWith(mark, StringComparison.Ordinal));

    private IEnumerable<string> ExerciseReports() => Cells.SelectMany(c => c.Outputs).Select(o => o.Text ?? "").Where(IsExerciseReport);

    private static bool IsExerciseReport(string text) => ExerciseHeader().IsMatch(text.TrimStart().Split('\n')[0]);

    private static (double, double)? PointsOf(string rest) =>
        PointsText().Match(rest) is { Success: true } m
            ? (double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))
            : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^Exercise (\d+\.\d+[a-z]): .* — (.*)$")]
    private static partial System.Text.RegularExpressions.Regex ExerciseHeader();

    [System.Text.RegularExpressions.GeneratedRegex(@"^([\d.]+)/([\d.]+) points")]
    private static partial System.Text.RegularExpressions.Regex PointsText();
}
