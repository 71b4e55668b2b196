using System.Text.Json.Nodes;
using Plotly.NET;

namespace Attention.PlotsTests;

public class PlotsTests
{
    private static readonly string[] Tokens = ["the", "cat", "sat", "the"];

    // The chart as plotly.js receives it: {"data": [...], "layout": {...}}.
    private static JsonObject Parse(GenericChart chart) => (JsonObject)JsonNode.Parse(GenericChart.toJson(chart))!;

    private static float[,] Matrix(int L, int S, Func<int, int, float> f)
    {
        var m = new float[L, S];
        for (var i = 0; i < L; i++)
            for (var j = 0; j < S; j++)
                m[i, j] = f(i, j);
        return m;
    }

    [Fact]
    public void The_course_template_keeps_the_theme_look_in_a_fraction_of_the_default_template()
    {
        var chart = Plots.Heatmap(Matrix(3, 3, (i, j) => i + j), ["a", "b", "c"], ["a", "b", "c"], "t");
        string withCourse = GenericChart.toChartHTML(Plotly.NET.Chart.withTemplate(ChartStyle.CourseTemplate).Invoke(chart));
        string withDefault = GenericChart.toChartHTML(Plotly.NET.Chart.withTemplate(ChartTemplates.plotly).Invoke(chart));

        // The theme's plot area, grid and font colours are there; the default template's 8.5 kB are not.
        var layout = (JsonObject)JsonNode.Parse(JsonTemplate(withCourse))!;
        Assert.Equal("#E5ECF6", (string?)layout["layout"]!["plot_bgcolor"]);
        Assert.Equal("white", (string?)layout["layout"]!["xaxis"]!["gridcolor"]);
        Assert.Equal("#2a3f5f", (string?)layout["layout"]!["font"]!["color"]);
        Assert.True(withDefault.Length - withCourse.Length > 7000, $"course {withCourse.Length} chars, default {withDefault.Length}");

        // The "template" object of the chart's layout, as the page's script holds it.
        static string JsonTemplate(string html)
        {
            int start = html.IndexOf("var layout = ", StringComparison.Ordinal) + "var layout = ".Length;
            string layoutJson = html[start..html.IndexOf("var config", start, StringComparison.Ordinal)].Trim().TrimEnd(';');
            return JsonNode.Parse(layoutJson)!["template"]!.ToJsonString();
        }
    }

    [Fact]
    public void Heatmap_has_one_trace_with_z_of_shape_L_by_S_and_token_labels()
    {
        string[] keys = ["a", "b", "c", "a", "d"];
        var values = Matrix(4, 5, (i, j) => i * 10 + j);
        var json = Parse(Plots.Heatmap(values, keys, Tokens, "weights"));

        var trace = Assert.Single(json["data"]!.AsArray())!;
        Assert.Equal("heatmap", (string?)trace["type"]);
        var z = trace["z"]!.AsArray();
        Assert.Equal(4, z.Count);
        Assert.All(z, row => Assert.Equal(5, row!.AsArray().Count));
        Assert.Equal(23.0, (double)z[2]![3]!);
        // Repeated tokens must not merge: positions are numeric, labels are tick text.
        Assert.Equal(keys, json["layout"]!["xaxis"]!["ticktext"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(Tokens, json["layout"]!["yaxis"]!["ticktext"]!.AsArray().Select(n => (string)n!));
        Assert.Equal([0, 1, 2, 3, 4], trace["x"]!.AsArray().Select(n => (int)n!));
        Assert.Equal("reversed", (string?)json["layout"]!["yaxis"]!["autorange"]);
        Assert.Equal("weights", (string?)json["layout"]!["title"]!["text"]);
    }

    [Fact]
    public void Heatmap_of_a_tensor_equals_heatmap_of_its_matrix()
    {
        var t = Tensor.Random(7, [4, 4]);
        var m = Matrix(4, 4, (i, j) => t[i, j]);
        var fromTensor = Parse(Plots.Heatmap(t, Tokens, Tokens, "t"))["data"]![0]!["z"]!.ToJsonString();
        var fromMatrix = Parse(Plots.Heatmap(m, Tokens, Tokens, "t"))["data"]![0]!["z"]!.ToJsonString();
        Assert.Equal(fromMatrix, fromTensor);
    }

    [Fact]
    public void Heatmap_turns_masked_minus_infinity_into_a_gap()
    {
        var values = Matrix(2, 2, (i, j) => j > i ? float.NegativeInfinity : 1f);
        var z = Parse(Plots.Heatmap(values, ["a", "b"], ["a", "b"], "scores"))["data"]![0]!["z"]!;
        Assert.Null(z[0]![1]);
        Assert.Equal(1.0, (double)z[1]![1]!);
    }

    [Theory]
    [InlineData(3, 4, "xLabels")]
    [InlineData(4, 3, "yLabels")]
    public void Heatmap_rejects_label_counts_that_differ_from_the_shape(int keys, int queries, string argument)
    {
        var values = Matrix(4, 4, (i, j) => 0f);
        var ex = Assert.Throws<ArgumentException>(() =>
            Plots.Heatmap(values, Tokens.Take(keys).ToArray(), Tokens.Take(queries).ToArray(), "bad"));
        Assert.Equal(argument, ex.ParamName);
        Assert.Contains("[4, 4]", ex.Message);
    }

    [Fact]
    public void Heatmap_rejects_a_tensor_that_is_not_rank_2()
    {
        var ex = Assert.Throws<ArgumentException>(() => Plots.Heatmap(new Tensor(1, 4, 4), Tokens, Tokens, "bad"));
        Assert.Contains("[L, S]", ex.Message);
    }

    [Fact]
    public void Heatmaps_draw_one_trace_per_head_on_a_shared_color_scale()
    {
        var maps = Tensor.Random(3, [1, 5, 4, 4]);
        var titles = Enumerable.Range(0, 5).Select(h => $"head {h}").ToArray();
        var json = Parse(Plots.Heatmaps(maps, Tokens, Tokens, titles, columns: 2));

        var data = json["data"]!.AsArray();
        Assert.Equal(5, data.Count);
        Assert.All(data, trace => Assert.Equal("coloraxis", (string?)trace!["coloraxis"]));
        Assert.Equal(["x", "x2", "x3", "x4", "x5"], data.Select(t => (string)t!["xaxis"]!));
        var layout = json["layout"]!;
        Assert.Equal((double)maps.Data.Min(), (double)layout["coloraxis"]!["cmin"]!, 6);
        Assert.Equal((double)maps.Data.Max(), (double)layout["coloraxis"]!["cmax"]!, 6);
        Assert.Equal(titles, layout["annotations"]!.AsArray().Select(a => (string)a!["text"]!));
        for (var k = 1; k <= 5; k++)
        {
            var suffix = k == 1 ? "" : k.ToString();
            Assert.Equal("reversed", (string?)layout["yaxis" + suffix]!["autorange"]);
            Assert.Equal(Tokens, layout["xaxis" + suffix]!["ticktext"]!.AsArray().Select(n => (string)n!));
        }
        // Head 3's z is head 3's map.
        Assert.Equal((double)maps[0, 3, 2, 1], (double)data[3]!["z"]![2]![1]!, 6);
    }

    [Fact]
    public void Heatmaps_reject_mismatched_titles_and_shapes()
    {
        var a = Matrix(4, 4, (i, j) => 0f);
        var b = Matrix(4, 3, (i, j) => 0f);
        Assert.Equal("titles", Assert.Throws<ArgumentException>(() => Plots.Heatmaps([a, a], Tokens, Tokens, ["one"])).ParamName);
        Assert.Throws<ArgumentException>(() => Plots.Heatmaps([a, b], Tokens, Tokens, ["a", "b"]));
        Assert.Throws<ArgumentException>(() => Plots.Heatmaps(new Tensor(2, 2, 4, 4), Tokens, Tokens, ["a", "b"]));
    }

    [Fact]
    public void Lines_have_one_named_trace_per_series_and_log_axes_on_request()
    {
        double[] x = [128, 256, 512];
        var json = Parse(Plots.Lines(x, [("naive", [1, 4, 16]), ("flash", [1, 2, 4])], "cost", "N", "bytes", logX: true, logY: true));
        var data = json["data"]!.AsArray();
        Assert.Equal(["naive", "flash"], data.Select(t => (string)t!["name"]!));
        Assert.Equal([1.0, 4, 16], data[0]!["y"]!.AsArray().Select(n => (double)n!));
        Assert.Equal(x, data[1]!["x"]!.AsArray().Select(n => (double)n!));
        Assert.Equal("log", (string?)json["layout"]!["xaxis"]!["type"]);
        Assert.Equal("log", (string?)json["layout"]!["yaxis"]!["type"]);
        Assert.Equal("bytes", (string?)json["layout"]!["yaxis"]!["title"]!["text"]);

        var linear = Parse(Plots.Lines(x, [("a", [1, 2, 3])], "t", "x", "y"));
        Assert.Equal("linear", (string?)linear["layout"]!["xaxis"]!["type"]);
    }

    [Fact]
    public void Lines_and_bars_reject_series_of_the_wrong_length()
    {
        Assert.Equal("series", Assert.Throws<ArgumentException>(() =>
            Plots.Lines([1, 2, 3], [("short", [1, 2])], "t", "x", "y")).ParamName);
        Assert.Equal("series", Assert.Throws<ArgumentException>(() =>
            Plots.Bars(["a", "b"], [("long", [1, 2, 3])], "t", "y")).ParamName);
        Assert.Throws<ArgumentException>(() => Plots.Bars(["a"], [], "t", "y"));
    }

    [Fact]
    public void Bars_group_series_over_categories()
    {
        var json = Parse(Plots.Bars(["GPT-2", "Llama-2-7B"], [("KiB/token", [36, 512])], "KV cache", "KiB", logY: true));
        var trace = Assert.Single(json["data"]!.AsArray())!;
        Assert.Equal("bar", (string?)trace["type"]);
        Assert.Equal(["GPT-2", "Llama-2-7B"], trace["x"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("log", (string?)json["layout"]!["yaxis"]!["type"]);
        Assert.Equal("group", (string?)json["layout"]!["barmode"]);

        // Names on a linear axis draw no bar at all (every course bar chart was empty in the browser until this).
        Assert.Equal("category", (string?)json["layout"]!["xaxis"]!["type"]);
    }

    [Fact]
    public void A_chart_renders_to_html_that_draws_it_with_plotly()
    {
        var chart = Plots.Heatmap(Matrix(2, 2, (i, j) => i + j), ["<k>", "\"q\""], ["a", "b"], "a & b");
        var html = GenericChart.toChartHTML(chart);
        Assert.Contains("Plotly.newPlot", html);
        Assert.Contains("\"type\":\"heatmap\"", html);
    }

    [Fact]
    public void Restyling_sets_title_and_colour_scale_of_a_single_map_and_of_a_grid()
    {
        var single = Parse(Plots.Heatmap(Matrix(2, 2, (i, j) => i), ["a", "b"], ["a", "b"], "before")
            .WithTitle("after").WithColorScale(StyleParam.Colorscale.Cividis));
        Assert.Equal("after", (string?)single["layout"]!["title"]!["text"]);
        Assert.Equal("Cividis", (string?)single["data"]![0]!["colorscale"]);

        var grid = Parse(Plots.Heatmaps([Matrix(2, 2, (i, j) => i), Matrix(2, 2, (i, j) => j)], ["a", "b"], ["a", "b"], ["h0", "h1"])
            .WithColorScale(StyleParam.Colorscale.Cividis));
        Assert.Equal("Cividis", (string?)grid["layout"]!["coloraxis"]!["colorscale"]);
    }

    [Fact]
    public void LongSequencesShowEveryKthLabelAndShortOnesShowAll()
    {
        string[] many = [.. Enumerable.Range(0, 128).Select(i => $"t{i}")];
        var json = Parse(Plots.Heatmap(new Tensor(128, 128), many, many, "long"));
        var shown = json["layout"]!["xaxis"]!["ticktext"]!.AsArray().Select(n => (string)n!).ToArray();
        var at = json["layout"]!["xaxis"]!["tickvals"]!.AsArray().Select(n => (int)n!).ToArray();
        Assert.InRange(shown.Length, 20, Plots.MaxTickLabels);
        Assert.Equal(at.Select(i => many[i]), shown);
        Assert.Equal(0, at[0]);
        Assert.Equal(40, Parse(Plots.Heatmap(new Tensor(40, 40), many[..40], many[..40], "short"))["layout"]!["xaxis"]!["ticktext"]!.AsArray().Count);
    }
}
