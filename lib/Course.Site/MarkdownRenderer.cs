using System.Text.RegularExpressions;
using Markdig;

namespace Course.Site;

/// <summary>
/// Markdown cells to HTML with Markdig. Math (<c>$…$</c>, <c>$$…$$</c>) is kept verbatim, untouched by emphasis and
/// escaping, as <c>&lt;span class="math"&gt;\(…\)&lt;/span&gt;</c> / <c>&lt;div class="math"&gt;\[…\]&lt;/div&gt;</c>;
/// KaTeX renders those spans in the browser (see site.js).
/// </summary>
public static partial class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions() // pipe tables, math, auto-identifiers on headings, …
        .Build();

    /// <summary>The HTML of one Markdown cell.</summary>
    public static string ToHtml(string markdown) => Markdown.ToHtml(FenceMultilineDisplayMath(markdown), Pipeline);

    /// <summary>
    /// Jupyter and VS Code accept display math that opens with <c>$$</c> mid-line and closes lines later; Markdig only
    /// takes a multi-line <c>$$</c> block whose fences stand on their own lines. Such formulas are re-fenced so they
    /// render as display math instead of turning into broken HTML.
    /// </summary>
    public static string FenceMultilineDisplayMath(string markdown) =>
        MultilineDisplayMath().Replace(markdown, m => m.Value.Contains('\n')
            ? "\n$$\n" + m.Groups["tex"].Value.Trim() + "\n$$\n"
            : m.Value);

    [GeneratedRegex(@"\$\$(?<tex>.+?)\$\$", RegexOptions.Singleline)]
    private static partial Regex MultilineDisplayMath();
}
