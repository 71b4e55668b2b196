using System.Globalization;
using System.Text;

namespace Course.Runner;

/// <summary>The `run` command's summary: one row per notebook.</summary>
public static class SummaryTable
{
    /// <summary>
    /// Columns: notebook, result, cells run/total, seconds, the notebook's own checks ✓/✗, charts, and its exercises apart
    /// (passed / lost points / not attempted). A notebook is "ok" when every cell ran and none of its own checks failed;
    /// an exercise answer that loses points is a student's, and shows only in the exercises column.
    /// </summary>
    public static string Format(IReadOnlyList<NotebookResult> results)
    {
        var rows = new List<string[]> { new[] { "notebook", "result", "cells", "seconds", "checks ✓", "checks ✗", "charts", "exercises" } };
        foreach (var r in results)
        {
            rows.Add([
                Path.GetFileName(r.NotebookPath),
                !r.Succeeded ? "FAILED" : r.ChecksFailed > 0 ? "CHECKS ✗" : "ok",
                $"{r.Cells.Count}/{r.CodeCellCount}",
                r.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),
                r.ChecksPassed.ToString(CultureInfo.InvariantCulture),
                r.ChecksFailed.ToString(CultureInfo.InvariantCulture),
                r.Charts.ToString(CultureInfo.InvariantCulture),
                Exercises(r),
            ]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var (row, n) in rows.Select((row, n) => (row, n)))
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            if (n == 0)
                text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return text.ToString().TrimEnd();
    }

    // "2 passed", "1 passed, 1 lost points", "2 not attempted", or "-" for a notebook without exercises.
    private static string Exercises(NotebookResult r) =>
        r.Exercises.Count == 0 ? "-"
            : string.Join(", ", r.Exercises.Values.GroupBy(v => v).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
}
