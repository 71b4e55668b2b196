using System.Net;
using System.Text;

namespace Course.Site;

/// <summary>The HTML shell every page shares: local CSS and scripts (no CDN), a header, the content.</summary>
public static class PageLayout
{
    /// <summary>A complete HTML page.</summary>
    /// <param name="title">Page title (plain text).</param>
    /// <param name="body">The page's content HTML.</param>
    /// <param name="nav">HTML of the navigation bar.</param>
    /// <param name="withPlotly">Load plotly.js and <see cref="ChartHtml.RequireShim"/> first, so chart scripts never fetch either.</param>
    public static string Page(string title, string body, string nav, bool withPlotly)
    {
        const string a = SiteAssets.Folder;
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{WebUtility.HtmlEncode(title)}</title>
            <link rel="stylesheet" href="{a}/katex/katex.min.css">
            <link rel="stylesheet" href="{a}/highlight/github.min.css">
            <link rel="stylesheet" href="{a}/site.css">

            """);
        if (withPlotly)
            html.Append($"<script src=\"{SiteAssets.PlotlyScript}\"></script>\n").Append(ChartHtml.RequireShim);
        html.Append($"""
            <script defer src="{a}/katex/katex.min.js"></script>
            <script defer src="{a}/katex/auto-render.min.js"></script>
            <script defer src="{a}/highlight/highlight.min.js"></script>
            <script defer src="{a}/site.js"></script>
            </head>
            <body>
            <nav class="site-nav">{nav}</nav>
            <main>
            {body}
            </main>
            </body>
            </html>

            """);
        return html.ToString();
    }
}
