using System.Net;
using System.Text;

namespace Course.Site;

/// <summary>
/// One executed notebook as a page: Markdown cells rendered, code cells highlighted with their outputs (text, ✓/✗
/// check lines, interactive charts), exercise cells shown as the stub students fill in.
/// </summary>
public static class NotebookPage
{
    /// <summary>The page's HTML.</summary>
    /// <param name="notebook">The executed notebook.</param>
    /// <param name="previous">The notebook before it in course order, if any.</param>
    /// <param name="next">The notebook after it in course order, if any.</param>
    public static string Render(ExecutedNotebook notebook, ExecutedNotebook? previous, ExecutedNotebook? next)
    {
        var body = new StringBuilder();
        foreach (var cell in notebook.Cells)
        {
            if (cell.IsMarkdown)
                body.Append($"<section class=\"cell markdown\">\n{MarkdownRenderer.ToHtml(cell.Source)}</section>\n");
            else if (!string.IsNullOrWhiteSpace(cell.Source))
                body.Append(Code(cell));
        }
        body.Append("<nav class=\"pager\">")
            .Append(previous is null ? "<span></span>" : Link(previous, "← "))
            .Append(next is null ? "<span></span>" : Link(next, "", " →"))
            .Append("</nav>");
        var nav = $"<a href=\"{IndexPage.FileName}\">Course contents</a><span class=\"spacer\"></span><span>{Encode(notebook.FileName)}</span>";
        return PageLayout.Page(notebook.Title, body.ToString(), nav, withPlotly: notebook.Cells.Any(c => c.Outputs.Any(o => o.IsChart)));
    }

    private static string Code(NotebookCell cell)
    {
        var html = new StringBuilder();
        var exercise = cell.ExerciseId;
        html.Append(exercise is null ? "<section class=\"cell code\">\n" : $"<section class=\"cell code exercise\" id=\"exercise-{Encode(exercise)}\">\n");
        if (exercise is not null)
            html.Append($"<h3>Exercise {Encode(exercise)}</h3>\n<p class=\"hint\">Your turn: open the notebook in VS Code, replace the stub and run the check cell below it.</p>\n");
        html.Append($"<pre class=\"source\"><code class=\"language-csharp\">{Encode(cell.Source)}</code></pre>\n");
        foreach (var output in MergeStreams(cell.Outputs))
            html.Append(Output(output)).Append('\n');
        return html.Append("</section>\n").ToString();
    }

    // The kernel sends one stdout event per Console.WriteLine: show consecutive ones as one block, as VS Code does.
    private static IEnumerable<NotebookOutput> MergeStreams(IReadOnlyList<NotebookOutput> outputs)
    {
        NotebookOutput? pending = null;
        foreach (var output in outputs)
        {
            if (output.Kind == "stream" && pending is not null)
            {
                pending = pending with { Values = new Dictionary<string, string> { ["text/plain"] = pending.Text + output.Text } };
                continue;
            }
            if (pending is not null)
                yield return pending;
            pending = output.Kind == "stream" ? output : null;
            if (pending is null)
                yield return output;
        }
        if (pending is not null)
            yield return pending;
    }

    private static string Output(NotebookOutput output)
    {
        if (output.Kind == "error")
            return $"<pre class=\"output error\">{Encode(output.Text ?? "")}</pre>";
        // Charts carry class course-plot so readers (and the browser test) find them; the page's require shim draws them.
        if (output.IsChart)
            return $"<div class=\"output html course-plot\" id=\"chart-{Guid.NewGuid():N}\">{output.Html}</div>";
        if (output.Html is { } html)
            return $"<div class=\"output html\">{html}</div>";
        return $"<pre class=\"output text\">{TextWithChecks(output.Text ?? "")}</pre>";
    }

    /// <summary>Escaped text with each ✓ / ✗ self-check line marked, so passes and failures stand out.</summary>
    private static string TextWithChecks(string text) => string.Join('\n', text.TrimEnd('\n').Split('\n').Select(line =>
        line.TrimStart() switch
        {
            var t when t.StartsWith('✓') => $"<span class=\"check pass\">{Encode(line)}</span>",
            var t when t.StartsWith('✗') => $"<span class=\"check fail\">{Encode(line)}</span>",
            _ => Encode(line),
        }));

    private static string Link(ExecutedNotebook target, string before, string after = "") =>
        $"<a href=\"{Uri.EscapeDataString(target.PageName)}\">{before}{Encode(target.Title)}{after}</a>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
