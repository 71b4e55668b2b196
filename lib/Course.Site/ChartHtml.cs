namespace Course.Site;

/// <summary>
/// Plotly.NET charts as the Plotly.NET.Interactive formatter writes them into a notebook: a div and a script that
/// loads plotly.js from a CDN through require.js (and require.js itself from a CDN when the page has none).
/// </summary>
public static class ChartHtml
{
    /// <summary>True for the HTML of a Plotly.NET chart (the runner counts these, the site draws them).</summary>
    /// <param name="html">A text/html output, or null.</param>
    public static bool IsChart(string? html) =>
        html is not null && html.Contains("renderPlotly_", StringComparison.Ordinal)
            && html.Contains("Plotly.newPlot(", StringComparison.Ordinal);

    /// <summary>
    /// A stand-in for require.js, placed after the local plotly.js: each chart script finds <c>requirejs.config</c>,
    /// asks it for 'plotly' and gets the local <c>window.Plotly</c>, so neither require.js nor plotly.js is fetched.
    /// </summary>
    public const string RequireShim = """
        <script>
        window.requirejs = function (deps, callback) { callback(window.Plotly); };
        window.requirejs.config = function () { return window.requirejs; };
        window.require = window.require || window.requirejs;
        </script>

        """;
}
