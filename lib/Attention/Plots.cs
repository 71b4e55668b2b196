using System.Text.Json.Nodes;

namespace Attention;

/// <summary>
/// The course's charts: attention maps as heatmaps (queries down, keys across), small multiples per head, line and
/// bar charts for cost curves. Each returns a <see cref="PlotlyFigure"/>; the notebook setup registers it as HTML.
/// Non-finite values (a masked logit of −∞) become gaps in the chart, since JSON has no infinity.
/// </summary>
public static class Plots
{
    private const string ColorScale = "Viridis";

    /// <summary>One attention map: row i = query i, column j = key j; row 0 is drawn at the top.</summary>
    /// <param name="values">[L, S] weights or scores.</param>
    /// <param name="xLabels">S key labels (tokens); duplicates allowed.</param>
    /// <param name="yLabels">L query labels (tokens); duplicates allowed.</param>
    /// <param name="title">Chart title.</param>
    public static PlotlyFigure Heatmap(float[,] values, string[] xLabels, string[] yLabels, string title)
    {
        var trace = HeatmapTrace(values, xLabels, yLabels, nameof(values));
        var (zmin, zmax) = Range([values]);
        trace["zmin"] = zmin;
        trace["zmax"] = zmax;
        var layout = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = title },
            ["xaxis"] = Axis(xLabels, "key", reversed: false, side: "top"),
            ["yaxis"] = Axis(yLabels, "query", reversed: true),
        };
        return new PlotlyFigure([trace], layout, HeightFor(yLabels.Length));
    }

    /// <summary>One attention map from a tensor.</summary>
    /// <param name="values">[L, S] weights or scores.</param>
    /// <param name="xLabels">S key labels.</param>
    /// <param name="yLabels">L query labels.</param>
    /// <param name="title">Chart title.</param>
    public static PlotlyFigure Heatmap(Tensor values, string[] xLabels, string[] yLabels, string title) =>
        Heatmap(ToMatrix(values, nameof(values)), xLabels, yLabels, title);

    /// <summary>
    /// Small multiples: one attention map per head in a grid, all on one shared color scale so heads compare.
    /// </summary>
    /// <param name="maps">Per-head [L, S] maps, all of the same shape.</param>
    /// <param name="xLabels">S key labels.</param>
    /// <param name="yLabels">L query labels.</param>
    /// <param name="titles">One title per map (e.g. "head 0").</param>
    /// <param name="columns">Maps per row of the grid.</param>
    public static PlotlyFigure Heatmaps(IReadOnlyList<float[,]> maps, string[] xLabels, string[] yLabels,
        IReadOnlyList<string> titles, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(titles);
        if (maps.Count == 0)
            throw new ArgumentException("Heatmaps needs at least one map.", nameof(maps));
        if (titles.Count != maps.Count)
            throw new ArgumentException($"Expected {maps.Count} titles (one per map), got {titles.Count}.", nameof(titles));
        Shapes.RequirePositive(columns, nameof(columns));
        columns = Math.Min(columns, maps.Count);
        var rows = (maps.Count + columns - 1) / columns;
        // Between rows there must be room (≈ 90 px) for the rotated key labels of one map and the title of the next.
        int rowHeight = Math.Max(260, (HeightFor(yLabels.Length) / 2) + 90);
        double gapX = 0.04, gapY = rows == 1 ? 0.08 : 90.0 / (rows * rowHeight);
        var (zmin, zmax) = Range(maps);
        var traces = new List<JsonObject>();
        var layout = new JsonObject
        {
            ["coloraxis"] = new JsonObject { ["colorscale"] = ColorScale, ["cmin"] = zmin, ["cmax"] = zmax },
            ["annotations"] = new JsonArray(),
            ["showlegend"] = false,
        };
        for (var k = 0; k < maps.Count; k++)
        {
            var trace = HeatmapTrace(maps[k], xLabels, yLabels, $"{nameof(maps)}[{k}]");
            if (maps[k].GetLength(0) != maps[0].GetLength(0) || maps[k].GetLength(1) != maps[0].GetLength(1))
                throw new ArgumentException(
                    $"Every map must have shape [{maps[0].GetLength(0)}, {maps[0].GetLength(1)}]; " +
                    $"maps[{k}] has [{maps[k].GetLength(0)}, {maps[k].GetLength(1)}].", nameof(maps));
            var suffix = k == 0 ? "" : (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            trace.Remove("colorscale");
            trace["coloraxis"] = "coloraxis";
            trace["xaxis"] = "x" + suffix;
            trace["yaxis"] = "y" + suffix;
            traces.Add(trace);

            int row = k / columns, col = k % columns;
            double x0 = (double)col / columns + gapX / 2, x1 = (double)(col + 1) / columns - gapX / 2;
            double y1 = 1 - (double)row / rows - gapY / 2, y0 = 1 - (double)(row + 1) / rows + gapY / 2;
            var xAxis = Axis(xLabels, null, reversed: false);
            var yAxis = Axis(yLabels, null, reversed: true);
            xAxis["domain"] = new JsonArray(x0, x1);
            xAxis["anchor"] = "y" + suffix;
            yAxis["domain"] = new JsonArray(y0, y1);
            yAxis["anchor"] = "x" + suffix;
            layout["xaxis" + suffix] = xAxis;
            layout["yaxis" + suffix] = yAxis;
            ((JsonArray)layout["annotations"]!).Add(new JsonObject
            {
                ["text"] = titles[k],
                ["x"] = (x0 + x1) / 2,
                ["y"] = y1,
                ["xref"] = "paper",
                ["yref"] = "paper",
                ["xanchor"] = "center",
                ["yanchor"] = "bottom",
                ["showarrow"] = false,
            });
        }
        return new PlotlyFigure(traces, layout, rows * rowHeight);
    }

    /// <summary>Small multiples from one tensor of per-head maps.</summary>
    /// <param name="maps">[H, L, S] or [1, H, L, S] attention maps.</param>
    /// <param name="xLabels">S key labels.</param>
    /// <param name="yLabels">L query labels.</param>
    /// <param name="titles">H titles.</param>
    /// <param name="columns">Maps per row of the grid.</param>
    public static PlotlyFigure Heatmaps(Tensor maps, string[] xLabels, string[] yLabels,
        IReadOnlyList<string> titles, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(maps);
        var heads = maps.Rank == 4
            ? Require(maps, "[1, H, L, S]", 1, Shapes.Any, Shapes.Any, Shapes.Any).Reshape(maps.Dim(1), maps.Dim(2), maps.Dim(3))
            : Require(maps, "[H, L, S]", Shapes.Any, Shapes.Any, Shapes.Any);
        int H = heads.Dim(0), L = heads.Dim(1), S = heads.Dim(2);
        var list = new float[H][,];
        for (var h = 0; h < H; h++)
            list[h] = ToMatrix(new Tensor(heads.Data.AsSpan(h * L * S, L * S).ToArray(), L, S), nameof(maps));
        return Heatmaps(list, xLabels, yLabels, titles, columns);

        static Tensor Require(Tensor t, string axes, params int[] dims)
        {
            Shapes.Require(t, nameof(maps), axes, dims);
            return t;
        }
    }

    /// <summary>Line chart: one line per named series over a shared x.</summary>
    /// <param name="x">N x values.</param>
    /// <param name="series">Named series of N y values each.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="xTitle">x-axis title.</param>
    /// <param name="yTitle">y-axis title.</param>
    /// <param name="logX">Logarithmic x axis.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    public static PlotlyFigure Lines(double[] x, IReadOnlyList<(string Name, double[] Values)> series, string title,
        string xTitle, string yTitle, bool logX = false, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireSeries(series, x.Length, nameof(x));
        var traces = series.Select(s => new JsonObject
        {
            ["type"] = "scatter",
            ["mode"] = "lines+markers",
            ["name"] = s.Name,
            ["x"] = Numbers(x),
            ["y"] = Numbers(s.Values),
        });
        var layout = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = title },
            ["xaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = xTitle }, ["type"] = logX ? "log" : "linear" },
            ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = yTitle }, ["type"] = logY ? "log" : "linear" },
        };
        return new PlotlyFigure(traces, layout);
    }

    /// <summary>Grouped bar chart: one bar per category for each named series.</summary>
    /// <param name="categories">N category names (x axis).</param>
    /// <param name="series">Named series of N values each.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="yTitle">y-axis title.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    public static PlotlyFigure Bars(string[] categories, IReadOnlyList<(string Name, double[] Values)> series,
        string title, string yTitle, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(categories);
        RequireSeries(series, categories.Length, nameof(categories));
        var traces = series.Select(s => new JsonObject
        {
            ["type"] = "bar",
            ["name"] = s.Name,
            ["x"] = new JsonArray(categories.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["y"] = Numbers(s.Values),
        });
        var layout = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = title },
            ["barmode"] = "group",
            ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = yTitle }, ["type"] = logY ? "log" : "linear" },
        };
        return new PlotlyFigure(traces, layout);
    }

    private static JsonObject HeatmapTrace(float[,] values, string[] xLabels, string[] yLabels, string argument)
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
        var z = new JsonArray();
        for (var i = 0; i < L; i++)
        {
            var row = new JsonArray();
            for (var j = 0; j < S; j++)
                row.Add(float.IsFinite(values[i, j]) ? JsonValue.Create((double)values[i, j]) : null);
            z.Add(row);
        }
        // Numeric positions with token tick labels: a repeated token must not merge two columns.
        var hover = new JsonArray();
        for (var i = 0; i < L; i++)
            hover.Add(new JsonArray(Enumerable.Range(0, S).Select(j => (JsonNode?)$"q{i} {yLabels[i]} → k{j} {xLabels[j]}").ToArray()));
        return new JsonObject
        {
            ["type"] = "heatmap",
            ["z"] = z,
            ["x"] = new JsonArray(Enumerable.Range(0, S).Select(j => (JsonNode?)j).ToArray()),
            ["y"] = new JsonArray(Enumerable.Range(0, L).Select(i => (JsonNode?)i).ToArray()),
            ["text"] = hover,
            ["hovertemplate"] = "%{text}: %{z:.3f}<extra></extra>",
            ["colorscale"] = ColorScale,
        };
    }

    private static JsonObject Axis(string[] labels, string? title, bool reversed, string? side = null)
    {
        var axis = new JsonObject
        {
            ["tickmode"] = "array",
            ["tickvals"] = new JsonArray(Enumerable.Range(0, labels.Length).Select(i => (JsonNode?)i).ToArray()),
            ["ticktext"] = new JsonArray(labels.Select(l => (JsonNode?)l).ToArray()),
        };
        if (title is not null)
            axis["title"] = new JsonObject { ["text"] = title };
        if (reversed)
            axis["autorange"] = "reversed";
        if (side is not null)
            axis["side"] = side;
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

    // Tall enough that every token label stays readable.
    private static int HeightFor(int rows) => Math.Clamp(120 + 24 * rows, 320, 900);

    private static JsonArray Numbers(double[] values) =>
        new(values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : null).ToArray<JsonNode?>());
}
