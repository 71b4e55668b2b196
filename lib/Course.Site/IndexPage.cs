using System.Globalization;
using System.Net;
using System.Text;

namespace Course.Site;

/// <summary>
/// The site's front page: the table of contents in course order (file-name order, grouped by section number), with
/// each notebook's run summary (cells run, seconds, self-checks ✓/✗, charts).
/// </summary>
public static class IndexPage
{
    /// <summary>The front page's file name.</summary>
    public const string FileName = "index.html";

    private static readonly Dictionary<string, string> SectionTitles = new()
    {
        ["04"] = "4. Multi-head attention",
        ["05"] = "5. Decoder attention in LLMs",
        ["06"] = "6. Cost and efficient attention",
        ["07"] = "7. Beyond the lesson: attention in 2026 models",
    };

    /// <summary>The front page's HTML.</summary>
    /// <param name="notebooks">Executed notebooks in course order.</param>
    public static string Render(IReadOnlyList<ExecutedNotebook> notebooks)
    {
        var body = new StringBuilder("<h1>Attention Math in C#</h1>\n")
            .Append("<p>Every notebook of the course, executed in the real .NET Interactive kernel. ")
            .Append("Checks count the notebooks' self-check lines (✓ passed, ✗ failed).</p>\n<div class=\"toc\">\n");
        foreach (var section in notebooks.GroupBy(Section))
        {
            body.Append($"<h2>{Encode(SectionTitles.GetValueOrDefault(section.Key, section.Key))}</h2>\n")
                .Append("<table>\n<thead><tr><th>notebook</th><th class=\"num\">cells</th><th class=\"num\">seconds</th>")
                .Append("<th class=\"num\">checks ✓</th><th class=\"num\">checks ✗</th><th class=\"num\">charts</th></tr></thead>\n<tbody>\n");
            foreach (var notebook in section)
                body.Append(Row(notebook));
            body.Append("</tbody>\n</table>\n");
        }
        body.Append("</div>\n");
        return PageLayout.Page("Attention Math in C#", body.ToString(), "<a href=\"index.html\">Course contents</a>", withPlotly: false);
    }

    private static string Row(ExecutedNotebook notebook)
    {
        var run = notebook.Run;
        var charts = notebook.Cells.Sum(c => c.Outputs.Count(o => o.IsChart));
        string Num(double? value, string format = "0") =>
            value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
        var cells = run is null ? "–" : $"{run.CellsRun}/{run.CodeCells}";
        var failed = run is { ChecksFailed: > 0 } || run is { Succeeded: false } ? " class=\"num result fail\"" : " class=\"num\"";
        return $"<tr><td><a href=\"{Uri.EscapeDataString(notebook.PageName)}\">{Encode(notebook.Title)}</a></td>" +
            $"<td class=\"num\">{cells}</td><td class=\"num\">{Num(run?.Seconds, "0.0")}</td>" +
            $"<td class=\"num\">{Num(run?.ChecksPassed)}</td><td{failed}>{Num(run?.ChecksFailed)}</td>" +
            $"<td class=\"num\">{charts}</td></tr>\n";
    }

    // "04.1-head-dimensions.ipynb" → "04"; names without a section number share one group.
    private static string Section(ExecutedNotebook notebook)
    {
        var dot = notebook.FileName.IndexOf('.');
        var prefix = dot > 0 ? notebook.FileName[..dot] : "";
        return prefix.Length > 0 && prefix.All(char.IsAsciiDigit) ? prefix : "Other notebooks";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
