using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attention;

/// <summary>
/// A plotly.js figure (data traces + layout) that renders itself as HTML. The course emits plotly.js JSON itself
/// instead of using Plotly.NET: Plotly.NET 6.0.0 needs FSharp.Core 10.1.0.0, while the dotnet-interactive tool
/// students run (1.0.712001) ships FSharp.Core 10.0.0.0, so building any Plotly.NET chart throws
/// FileNotFoundException in the real kernel. The kernel's FSharp.Core cannot be replaced from a notebook (it is
/// loaded before the first cell runs), so there is no easy fix on our side.
/// </summary>
public sealed class PlotlyFigure
{
    /// <summary>
    /// Where plotly.js is loaded from when the page has no <c>window.Plotly</c> yet. The one place to change it
    /// (a static site can swap in a local bundle by replacing this URL in the generated HTML).
    /// </summary>
    public const string PlotlyScriptUrl = "https://cdn.plot.ly/plotly-2.35.2.min.js";

    /// <summary>The CSS class of the figure's div; tests and the site look for it.</summary>
    public const string CssClass = "course-plot";

    private static int nextId;

    /// <summary>Creates a figure from plotly.js traces and a layout (both copied).</summary>
    /// <param name="data">plotly.js trace objects, e.g. <c>{"type": "heatmap", "z": [[...]]}</c>; at least one.</param>
    /// <param name="layout">plotly.js layout object.</param>
    /// <param name="height">Height of the figure in CSS pixels.</param>
    public PlotlyFigure(IEnumerable<JsonObject> data, JsonObject layout, int height = 420)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(layout);
        Data = data.Select(trace => (JsonObject)trace.DeepClone()).ToArray();
        if (Data.Count == 0)
            throw new ArgumentException("A figure needs at least one trace.", nameof(data));
        Shapes.RequirePositive(height, nameof(height));
        Layout = (JsonObject)layout.DeepClone();
        Height = height;
    }

    /// <summary>The plotly.js traces.</summary>
    public IReadOnlyList<JsonObject> Data { get; }

    /// <summary>The plotly.js layout.</summary>
    public JsonObject Layout { get; }

    /// <summary>Height of the figure in CSS pixels.</summary>
    public int Height { get; }

    /// <summary>The figure as plotly.js JSON: <c>{"data": [...], "layout": {...}}</c>.</summary>
    public string ToJson()
    {
        var figure = new JsonObject
        {
            ["data"] = new JsonArray(Data.Select(trace => (JsonNode)trace.DeepClone()).ToArray()),
            ["layout"] = Layout.DeepClone(),
        };
        return figure.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>
    /// A <c>&lt;div class="course-plot"&gt;</c> carrying the figure JSON in its <c>data-figure</c> attribute, and a
    /// script that draws it with <c>Plotly.newPlot</c>, loading <see cref="PlotlyScriptUrl"/> once if needed.
    /// </summary>
    public string ToHtml()
    {
        var id = $"course-plot-{Interlocked.Increment(ref nextId)}-{Guid.NewGuid():N}";
        var json = WebUtility.HtmlEncode(ToJson());
        // Several figures may render before plotly.js arrives: they share one loading promise.
        return $$"""
            <div class="{{CssClass}}" id="{{id}}" style="width:100%;height:{{Height}}px" data-figure="{{json}}"></div>
            <script type="text/javascript">
            (function () {
              var el = document.getElementById("{{id}}");
              var draw = function () {
                var fig = JSON.parse(el.getAttribute("data-figure"));
                window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
              };
              if (window.Plotly) { draw(); return; }
              window.coursePlotlyLoading = window.coursePlotlyLoading || new Promise(function (resolve, reject) {
                var s = document.createElement("script");
                s.src = "{{PlotlyScriptUrl}}";
                s.onload = resolve;
                s.onerror = reject;
                document.head.appendChild(s);
              });
              window.coursePlotlyLoading.then(draw);
            })();
            </script>
            """;
    }

    /// <summary>Reads the figure JSON back from the HTML of <see cref="ToHtml"/> (used by tests and the site).</summary>
    /// <returns>The parsed <c>{"data", "layout"}</c> object, or null if the HTML holds no course figure.</returns>
    public static JsonObject? ParseHtml(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        const string marker = "data-figure=\"";
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0 || !html.Contains(CssClass, StringComparison.Ordinal))
            return null;
        start += marker.Length;
        var end = html.IndexOf('"', start);
        return end < 0 ? null : JsonNode.Parse(WebUtility.HtmlDecode(html[start..end])) as JsonObject;
    }

    /// <summary>The figure JSON (the notebook formatter shows <see cref="ToHtml"/> instead).</summary>
    public override string ToString() => ToJson();
}
