using Plotly.NET;
using Plotly.NET.LayoutObjects;
using Chart = Plotly.NET.CSharp.Chart;

namespace Attention;

/// <summary>
/// The course's figures as Plotly.NET charts: attention maps as heatmaps (queries down, keys across), small
/// multiples per head on one colour scale, line and bar charts for cost curves. Each returns a
/// <see cref="GenericChart"/>, so a notebook can restyle, combine or extend it with the Plotly.NET API; the
/// Plotly.NET.Interactive extension loaded by the notebook setup displays it.
/// </summary>
/// <remarks>
/// Plotly.NET.CSharp 0.14 has no parameter for a few plotly.js attributes the figures need (tick values and tick
/// text, zmin/zmax, a shared colour axis, a hover template); those are set on the Plotly.NET objects with
/// <c>SetProperty</c> (<see cref="ChartStyle"/>). Non-finite values (a masked logit of −∞) become gaps.
/// </remarks>
public static class Plots
{
    /// <summary>One attention map: row i = query i, column j = key j; row 0 is drawn at the top.</summary>
    /// <param name="values">[L, S] weights or scores.</param>
    /// <param name="xLabels">S key labels (tokens); duplicates allowed.</param>
    /// <param name="yLabels">L query labels (tokens); duplicates allowed.</param>
    /// <param name="title">Chart title.</param>
    public static GenericChart Heatmap(float[,] values, string[] xLabels, string[] yLabels, string title)
    {
        var (zmin, zmax) = Range([values]);
        var chart = HeatmapChart(values, xLabels, yLabels, nameof(values), showScale: true)
            .WithTraceProperty("zmin", zmin)
            .WithTraceProperty("zmax", zmax)
            .WithAxes(LabelAxis(xLabels, "key", side: "top"), LabelAxis(yLabels, "query", reversed: true))
            .WithTitle(title);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(chart, Width: 640, Height: HeightFor(yLabels.Length));
    }

    /// <summary>One attention map from a tensor.</summary>
    /// <param name="values">[L, S] weights or scores.</param>
    /// <param name="xLabels">S key labels.</param>
    /// <param name="yLabels">L query labels.</param>
    /// <param name="title">Chart title.</param>
    public static GenericChart Heatmap(Tensor values, string[] xLabels, string[] yLabels, string title) =>
        Heatmap(ToMatrix(values, nameof(values)), xLabels, yLabels, title);

    /// <summary>
    /// Small multiples: one attention map per head in a subplot grid, all on one shared colour axis so heads compare.
    /// </summary>
    /// <param name="maps">Per-head [L, S] maps, all of the same shape.</param>
    /// <param name="xLabels">S key labels.</param>
    /// <param name="yLabels">L query labels.</param>
    /// <param name="titles">One title per map (e.g. "head 0").</param>
    /// <param name="columns">Maps per row of the grid.</param>
    public static GenericChart Heatmaps(IReadOnlyList<float[,]> maps, string[] xLabels, string[] yLabels,
        IReadOnlyList<string> titles, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(titles);
        if (maps.Count == 0)
            throw new ArgumentException("Heatmaps needs at least one map.", nameof(maps));
        if (titles.Count != maps.Count)
            throw new ArgumentException($"Expected {maps.Count} titles (one per map), got {titles.Count}.", nameof(titles));
        Shapes.RequirePositive(columns, nameof(columns));
        for (var k = 1; k < maps.Count; k++)
            if (maps[k].GetLength(0) != maps[0].GetLength(0) || maps[k].GetLength(1) != maps[0].GetLength(1))
                throw new ArgumentException(
                    $"Every map must have shape [{maps[0].GetLength(0)}, {maps[0].GetLength(1)}]; " +
                    $"maps[{k}] has [{maps[k].GetLength(0)}, {maps[k].GetLength(1)}].", nameof(maps));
        columns = Math.Min(columns, maps.Count);
        var rows = (maps.Count + columns - 1) / columns;
        var (zmin, zmax) = Range(maps);
        var panels = maps.Select((map, k) => HeatmapChart(map, xLabels, yLabels, $"{nameof(maps)}[{k}]", showScale: false)
            .WithTraceProperty("coloraxis", "coloraxis")
            .WithAxes(LabelAxis(xLabels, null), LabelAxis(yLabels, null, reversed: true)));
        // Between rows there must be room for the rotated key labels of one map and the title of the next.
        var rowHeight = Math.Max(260, (HeightFor(yLabels.Length) / 2) + 90);
        var grid = Chart.Grid(panels, rows, columns, SubPlotTitles: titles.ToArray(), XGap: 0.18, YGap: rows == 1 ? 0.1 : 0.35);
        var colorAxis = new ColorAxis();
        colorAxis.SetProperty("colorscale", StyleParam.Colorscale.Viridis.Convert());
        colorAxis.SetProperty("cmin", zmin);
        colorAxis.SetProperty("cmax", zmax);
        grid = Plotly.NET.Chart.withColorAxis(colorAxis, null).Invoke(grid);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(grid, Width: Math.Max(640, 240 * columns), Height: rows * rowHeight);
    }

    /// <summary>Small multiples from one tensor of per-head maps.</summary>
    /// <param name="maps">[H, L, S] or [1, H, L, S] attention maps.</param>
    /// <param name="xLabels">S key labels.</param>
    /// <param name="yLabels">L query labels.</param>
    /// <param name="titles">H titles.</param>
    /// <param name="columns">Maps per row of the grid.</param>
    public static GenericChart Heatmaps(Tensor maps, string[] xLabels, string[] yLabels,
        IReadOnlyList<string> titles, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Rank == 4)
            Shapes.Require(maps, nameof(maps), "[1, H, L, S]", 1, Shapes.Any, Shapes.Any, Shapes.Any);
        else
            Shapes.Require(maps, nameof(maps), "[H, L, S]", Shapes.Any, Shapes.Any, Shapes.Any);
        int H = maps.Dim(maps.Rank - 3), L = maps.Dim(maps.Rank - 2), S = maps.Dim(maps.Rank - 1);
        var list = new float[H][,];
        for (var h = 0; h < H; h++)
            list[h] = ToMatrix(new Tensor(maps.Data.AsSpan(h * L * S, L * S).ToArray(), L, S), nameof(maps));
        return Heatmaps(list, xLabels, yLabels, titles, columns);
    }

    /// <summary>Line chart: one line per named series over a shared x.</summary>
    /// <param name="x">N x values.</param>
    /// <param name="series">Named series of N y values each.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="xTitle">x-axis title.</param>
    /// <param name="yTitle">y-axis title.</param>
    /// <param name="logX">Logarithmic x axis.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    public static GenericChart Lines(double[] x, IReadOnlyList<(string Name, double[] Values)> series, string title,
        string xTitle, string yTitle, bool logX = false, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireSeries(series, x.Length, nameof(x));
        var lines = series.Select(s => Chart.Line<double, double, string>(x: x, y: s.Values.Select(Finite),
            Name: s.Name, ShowMarkers: true));
        return Styled(Chart.Combine(lines), title, xTitle, yTitle, logX, logY);
    }

    /// <summary>Grouped bar chart: one bar per category for each named series.</summary>
    /// <param name="categories">N category names (x axis).</param>
    /// <param name="series">Named series of N values each.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="yTitle">y-axis title.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    public static GenericChart Bars(string[] categories, IReadOnlyList<(string Name, double[] Values)> series,
        string title, string yTitle, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(categories);
        RequireSeries(series, categories.Length, nameof(categories));
        var bars = series.Select(s => Chart.Column<double, string, string>(values: s.Values.Select(Finite), Keys: categories, Name: s.Name));
        // The x axis holds names: a linear axis (the Lines default) would place no bar at all.
        var chart = Styled(Chart.Combine(bars), title, null, yTitle, StyleParam.AxisType.Category, logY);
        return chart.WithLayoutProperty("barmode", "group");
    }

    private static GenericChart Styled(GenericChart chart, string title, string? xTitle, string yTitle, bool logX, bool logY) =>
        Styled(chart, title, xTitle, yTitle, logX ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear, logY);

    private static GenericChart Styled(GenericChart chart, string title, string? xTitle, string yTitle, StyleParam.AxisType xType, bool logY)
    {
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart,
            TitleText: xTitle ?? "", AxisType: xType);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart,
            TitleText: yTitle, AxisType: logY ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear);
        return chart.WithTitle(title);
    }

    private static GenericChart HeatmapChart(float[,] values, string[] xLabels, string[] yLabels, string argument, bool showScale)
    {
        ArgumentNullException.ThrowIfNull(values, argument);
        ArgumentNullException.ThrowIfNull(xLabels);
        ArgumentNullException.ThrowIfNull(yLabels);
        int L = values.GetLength(0), S = values.GetLength(1);
        if (L == 0 || S == 0)
            throw new ArgumentException($"{argument} [L, S] must be non-empty; got [{L}, {S}].", argument);
        if (yLabels.Length != L)
            throw new ArgumentException($"yLabels: expected {L} query labels (rows of {argument} [L, S] = [{L}, {S}]), got {yLabels.Length}.", nameof(yLabels));
        if (xLabels.Length != S)
            throw new ArgumentException($"xLabels: expected {S} key labels (columns of {argument} [L, S] = [{L}, {S}]), got {xLabels.Length}.", nameof(xLabels));
        var z = new double?[L][];
        var hover = new string[L][];
        for (var i = 0; i < L; i++)
        {
            z[i] = new double?[S];
            hover[i] = new string[S];
            for (var j = 0; j < S; j++)
            {
                z[i][j] = float.IsFinite(values[i, j]) ? values[i, j] : null;
                hover[i][j] = $"q{i} {yLabels[i]} → k{j} {xLabels[j]}";
            }
        }
        // Numeric positions with token tick labels: a repeated token must not merge two columns. Plotly.NET.CSharp's
        // Heatmap takes non-nullable z, so it gets zeros of the right shape and the trace's z is then set to z with gaps.
        var zPlaceholder = new double[L][];
        for (var i = 0; i < L; i++)
            zPlaceholder[i] = new double[S];
        return Chart.Heatmap<double, int, int, string>(zData: zPlaceholder, X: Enumerable.Range(0, S).ToArray(),
                Y: Enumerable.Range(0, L).ToArray(), ColorScale: StyleParam.Colorscale.Viridis, ShowScale: showScale)
            .WithTraceProperty("z", z)
            .WithTraceProperty("text", hover)
            .WithTraceProperty("hovertemplate", "%{text}: %{z:.3f}<extra></extra>");
    }

    /// <summary>The most tick labels an axis shows; past it every k-th label is shown, so long sequences stay readable.</summary>
    public const int MaxTickLabels = 40;

    private static LinearAxis LabelAxis(string[] labels, string? title, bool reversed = false, string? side = null)
    {
        var axis = new LinearAxis();
        // Every label of a long sequence would overlap into a black band: show every k-th (the hover text still names each cell).
        int step = (labels.Length + MaxTickLabels - 1) / MaxTickLabels;
        int[] ticks = [.. Enumerable.Range(0, labels.Length).Where(i => i % Math.Max(1, step) == 0)];
        axis.SetProperty("tickmode", "array");
        axis.SetProperty("tickvals", ticks);
        axis.SetProperty("ticktext", ticks.Select(i => labels[i]).ToArray());
        if (title is not null)
            axis.SetProperty("title", Title.init(Text: title, Font: null, AutoMargin: null, Pad: null, X: null, XAnchor: null,
                XRef: null, Y: null, YAnchor: null, YRef: null, Standoff: null, Side: null));
        if (reversed)
            axis.SetProperty("autorange", "reversed");
        if (side is not null)
            axis.SetProperty("side", side);
        return axis;
    }

    private static (double Min, double Max) Range(IEnumerable<float[,]> maps)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var map in maps)
            foreach (var v in map)
                if (float.IsFinite(v))
                    (min, max) = (Math.Min(min, v), Math.Max(max, v));
        return double.IsFinite(min) ? (min, max) : (0, 1);
    }

    private static float[,] ToMatrix(Tensor values, string argument)
    {
        Shapes.Require(values, argument, "[L, S]", Shapes.Any, Shapes.Any);
        int L = values.Dim(0), S = values.Dim(1);
        var matrix = new float[L, S];
        for (var i = 0; i < L; i++)
            for (var j = 0; j < S; j++)
                matrix[i, j] = values.Data[i * S + j];
        return matrix;
    }

    private static void RequireSeries(IReadOnlyList<(string Name, double[] Values)> series, int n, string xArgument)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (n == 0)
            throw new ArgumentException($"{xArgument} must not be empty.", xArgument);
        if (series.Count == 0)
            throw new ArgumentException("At least one series is needed.", nameof(series));
        foreach (var (name, values) in series)
            if (values is null || values.Length != n)
                throw new ArgumentException(
                    $"Series '{name}' has {values?.Length ?? 0} values; expected {n} (one per entry of {xArgument}).", nameof(series));
    }

    // plotly.js draws a value that is not a finite number as a gap.
    private static double Finite(double v) => double.IsFinite(v) ? v : double.NaN;

    // Tall enough that every token label stays readable.
    private static int HeightFor(int rows) => Math.Clamp(120 + 24 * rows, 320, 900);
}
