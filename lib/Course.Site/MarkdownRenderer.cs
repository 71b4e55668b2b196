using Markdig;

namespace Course.Site;

/// <summary>
/// Markdown cells to HTML with Markdig. Math (<c>$…$</c>, <c>$$…$$</c>) is kept verbatim, untouched by emphasis and
/// escaping, as <c>&lt;span class="math"&gt;\(…\)&lt;/span&gt;</c> / <c>&lt;div class="math"&gt;\[…\]&lt;/div&gt;</c>;
/// KaTeX renders those spans in the browser (see site.js).
/// </summary>
public static class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions() // pipe tables, math, auto-identifiers on headings, …
        .Build();

    /// <summary>The HTML of one Markdown cell.</summary>
    public static string ToHtml(string markdown) => Markdown.ToHtml(markdown, Pipeline);
}
