using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace Attention;

/// <summary>
/// Restyling any Plotly.NET chart from C# in one call: title, colour scale, axes, and raw plotly.js attributes.
/// Plotly.NET.CSharp 0.14 lacks these; the F# API has them with every optional argument required from C#.
/// </summary>
public static class ChartStyle
{
    /// <summary>
    /// The course's chart template: the look of plotly.js's "plotly" theme (blue-grey plot area, white grid, its font
    /// colour) in a dozen attributes. Plotly.NET's default template is the whole theme, 8.5 kB of JSON that took
    /// 120–350 ms to serialise for every chart drawn (measured in one process, Plotly.NET 6.0); this one takes under a
    /// millisecond. The notebook setup makes it the default: <c>Plotly.NET.Defaults.DefaultTemplate = ChartStyle.CourseTemplate</c>.
    /// </summary>
    public static Template CourseTemplate { get; } = BuildCourseTemplate();

    /// <summary>Sets the chart's title.</summary>
    /// <param name="chart">Any chart.</param>
    /// <param name="title">The title text.</param>
    public static GenericChart WithTitle(this GenericChart chart, string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        return Plotly.NET.Chart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);
    }

    /// <summary>Sets the colour scale of every trace and of the shared colour axis, if the chart has one.</summary>
    /// <param name="chart">Any chart, e.g. a course heatmap or a grid of them.</param>
    /// <param name="colorScale">E.g. <c>StyleParam.Colorscale.Cividis</c>.</param>
    public static GenericChart WithColorScale(this GenericChart chart, StyleParam.Colorscale colorScale)
    {
        ArgumentNullException.ThrowIfNull(colorScale);
        var value = colorScale.Convert();
        chart = chart.WithTraceProperty("colorscale", value);
        return GenericChart.mapLayout(FuncConvert.FromFunc<Plotly.NET.Layout, Plotly.NET.Layout>(layout =>
        {
            if (layout.TryGetPropertyValue("coloraxis") is { } axis && axis.Value is DynamicObj.DynamicObj colorAxis)
                colorAxis.SetProperty("colorscale", value);
            return layout;
        }), chart);
    }

    /// <summary>Replaces the x and y axes of a single-plot chart.</summary>
    /// <param name="chart">A chart with one x and one y axis.</param>
    /// <param name="xAxis">The new x axis.</param>
    /// <param name="yAxis">The new y axis.</param>
    public static GenericChart WithAxes(this GenericChart chart, LinearAxis xAxis, LinearAxis yAxis)
    {
        chart = Plotly.NET.Chart.withXAxis(xAxis, FSharpOption<StyleParam.SubPlotId>.None).Invoke(chart);
        return Plotly.NET.Chart.withYAxis(yAxis, FSharpOption<StyleParam.SubPlotId>.None).Invoke(chart);
    }

    /// <summary>Sets one plotly.js attribute on every trace (e.g. <c>"zmin"</c>, <c>"hovertemplate"</c>).</summary>
    /// <param name="chart">Any chart.</param>
    /// <param name="name">The plotly.js attribute name.</param>
    /// <param name="value">Its value (serialised to JSON as plotly.js expects).</param>
    public static GenericChart WithTraceProperty(this GenericChart chart, string name, object value) =>
        GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(trace =>
        {
            trace.SetProperty(name, value);
            return trace;
        }), chart);

    /// <summary>Sets one plotly.js layout attribute (e.g. <c>"barmode"</c>).</summary>
    /// <param name="chart">Any chart.</param>
    /// <param name="name">The plotly.js layout attribute name.</param>
    /// <param name="value">Its value.</param>
    public static GenericChart WithLayoutProperty(this GenericChart chart, string name, object value) =>
        GenericChart.mapLayout(FuncConvert.FromFunc<Plotly.NET.Layout, Plotly.NET.Layout>(layout =>
        {
            layout.SetProperty(name, value);
            return layout;
        }), chart);

    private static Template BuildCourseTemplate()
    {
        var axis = new DynamicObj.DynamicObj();
        axis.SetProperty("gridcolor", "white");
        axis.SetProperty("linecolor", "white");
        axis.SetProperty("zerolinecolor", "white");
        axis.SetProperty("zerolinewidth", 2);
        axis.SetProperty("ticks", "");
        axis.SetProperty("automargin", true);
        var font = new DynamicObj.DynamicObj();
        font.SetProperty("color", "#2a3f5f");
        var title = new DynamicObj.DynamicObj();
        title.SetProperty("x", 0.05);
        var layout = new Plotly.NET.Layout();
        layout.SetProperty("plot_bgcolor", "#E5ECF6");
        layout.SetProperty("paper_bgcolor", "white");
        layout.SetProperty("font", font);
        layout.SetProperty("title", title);
        layout.SetProperty("hovermode", "closest");
        layout.SetProperty("xaxis", axis);
        layout.SetProperty("yaxis", axis);
        return Template.init(layout, FSharpOption<IEnumerable<Trace>>.None);
    }
}
