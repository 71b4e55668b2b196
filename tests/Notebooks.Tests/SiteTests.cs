using System.Text.Json.Nodes;
using Attention;
using Course.Site;
using Notebooks.Tests.Browser;
using Plotly.NET;

namespace Notebooks.Tests;

/// <summary>
/// The static site in a real browser (headless Chromium): every page of the site built from the executed notebooks —
/// the index and one page per notebook, discovered — has no JavaScript error, draws every chart, typesets every
/// formula, highlights its code, loads nothing from the network and has no broken local link. One screenshot per
/// page goes to artifacts/screenshots/.
/// </summary>
[Collection("kernel")]
public class SiteTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    /// <summary>index.html and the page of every notebook the notebook theory runs.</summary>
    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string> { IndexPage.FileName };
        foreach (var notebook in ExecutedCourse.Notebooks)
            data.Add(PageOf(notebook));
        return data;
    }

    [ChromiumTheory]
    [MemberData(nameof(Pages))]
    public async Task Page_draws_every_chart_and_formula_offline_without_errors(string page)
    {
        var site = await fixture.SiteAsync();
        var file = Path.Combine(site, page);
        Assert.True(File.Exists(file), $"{page} was not generated");
        await using var tab = await (await fixture.BrowserAsync()).NewPageAsync();

        var report = await PageCheck.RunAsync(tab, new Uri(file));
        await SaveScreenshotsAsync(tab, page, report);

        Assert.True(report.Problems.Count == 0, $"{page}:\n" + string.Join("\n", report.Problems));
        var html = await File.ReadAllTextAsync(file);
        if (page == IndexPage.FileName)
        {
            // The table of contents links every notebook page (PageCheck has checked that each link resolves).
            foreach (var source in ExecutedCourse.Notebooks)
                Assert.Contains($"href=\"{PageOf(source)}\"", html);
            return;
        }
        var notebook = ExecutedNotebook.Load(Path.Combine(Paths.Executed, Path.ChangeExtension(page, ".ipynb")));
        var charts = notebook.Cells.Sum(c => c.Outputs.Count(o => o.IsChart));
        Assert.True(charts == report.Plots.Count, $"{page}: the notebook has {charts} chart(s), the page shows {report.Plots.Count}");
        if (notebook.Cells.Any(c => c.IsMarkdown && c.Source.Contains('$')))
            Assert.True(report.MathCount > 0 && report.KatexCount >= report.MathCount, $"{page}: its Markdown has math but KaTeX rendered {report.KatexCount} formula(s)");
        var exercises = notebook.Cells.Count(c => c.ExerciseId is not null);
        Assert.Equal(exercises, html.Split("class=\"cell code exercise\"").Length - 1);
    }

    [ChromiumFact]
    public async Task The_checks_catch_a_broken_chart_a_bad_formula_raw_TeX_a_broken_link_and_a_remote_asset()
    {
        // A notebook that breaks each rule once, rendered by the real site builder.
        var dir = Directory.CreateTempSubdirectory("course-broken-site-").FullName;
        var notebookPath = Path.Combine(dir, "broken.ipynb");
        // A chart in the form the kernel's Plotly.NET formatter writes (plotly.js through require.js), then broken.
        var options = DisplayOptions.init(DocumentTitle: null, DocumentCharset: null, DocumentDescription: null, DocumentFavicon: null,
            AdditionalHeadTags: null, ChartDescription: null, PlotlyJSReference: PlotlyJSReference.NewRequire("https://cdn.plot.ly/plotly-2.28.0.min"));
        var kernelChart = GenericChart.toChartHTML(Plotly.NET.Chart.withDisplayOptions(options).Invoke(
            Plots.Heatmap(new float[,] { { 1, 0 } }, ["a", "b"], ["q"], "broken")));
        Assert.True(ChartHtml.IsChart(kernelChart), kernelChart);
        var chart = kernelChart.Replace("var data = ", "var data = {malformed ", StringComparison.Ordinal);

        // Bars whose names sit on a linear axis: plotly draws the axes and no bar (every course bar chart did, until Plots.Bars
        // set a category axis).
        var emptyBars = GenericChart.toChartHTML(Plotly.NET.Chart.withDisplayOptions(options).Invoke(
            Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(
                Plots.Bars(["L0H0", "L0H1"], [("accuracy", [0.9, 0.5])], "empty", "share"), AxisType: StyleParam.AxisType.Linear)));
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(
                Markdown("# Broken\nAn unclosed formula $$A = QK^\\top\nand a bad one $\\fraq{1}{2}$; see [the next part](missing.html).\n\n![remote](https://example.invalid/figure.png)"),
                new JsonObject
                {
                    ["cell_type"] = "code",
                    ["source"] = "Plots.Heatmap(...)",
                    ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/html"] = chart } }),
                },
                new JsonObject
                {
                    ["cell_type"] = "code",
                    ["source"] = "Plots.Bars(...)",
                    ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/html"] = emptyBars } }),
                }),
            ["metadata"] = new JsonObject(),
        };
        await File.WriteAllTextAsync(notebookPath, notebook.ToJsonString());
        var index = SiteBuilder.Build([notebookPath], Path.Combine(dir, "site"), Course.Runner.CourseSite.AssetsPackageDir(Paths.Root));
        await using var tab = await (await fixture.BrowserAsync()).NewPageAsync();

        var report = await PageCheck.RunAsync(tab, new Uri(Path.Combine(Path.GetDirectoryName(index)!, "broken.html")));

        var problems = string.Join("\n", report.Problems);
        Assert.True(problems.Contains("uncaught exception: SyntaxError", StringComparison.Ordinal), problems);
        Assert.True(problems.Contains("was not drawn", StringComparison.Ordinal), problems);
        Assert.Equal(2, report.Problems.Count(p => p.Contains("was not drawn", StringComparison.Ordinal)));
        Assert.True(problems.Contains("console.error: KaTeX auto-render: Failed to parse `\\fraq{1}{2}`", StringComparison.Ordinal), problems);
        Assert.True(problems.Contains("raw TeX left in the text: ", StringComparison.Ordinal), problems);
        Assert.True(problems.Contains("broken link: ", StringComparison.Ordinal), problems);
        Assert.True(problems.Contains("missing.html does not exist", StringComparison.Ordinal), problems);
        Assert.True(problems.Contains("request leaves the machine (the site must work offline): https://example.invalid/figure.png", StringComparison.Ordinal), problems);
        Assert.True(problems.Contains("asset not bundled (the site must work offline): https://example.invalid/figure.png", StringComparison.Ordinal), problems);
        Directory.Delete(dir, recursive: true);
    }

    private static string PageOf(string notebook) => Path.ChangeExtension(Path.GetFileName(notebook), ".html");

    private static JsonObject Markdown(string source) => new() { ["cell_type"] = "markdown", ["source"] = source };

    /// <summary>
    /// The whole page (up to 12000 px) as artifacts/screenshots/NAME.png, and its first heatmap with the text and
    /// code leading to it as NAME-heatmap.png (docs/screenshot-heatmap.png is one of these).
    /// </summary>
    private static async Task SaveScreenshotsAsync(BrowserPage tab, string page, PageReport report)
    {
        var name = Path.GetFileNameWithoutExtension(page);
        await tab.ScreenshotAsync(Path.Combine(Paths.Screenshots, name + ".png"), 0, Math.Min(report.Height, 12000));
        if (report.Plots.FirstOrDefault(p => p.Heatmap) is { } heatmap)
        {
            // From the Markdown that introduces the chart, unless that is far above it.
            var top = Math.Max(0, heatmap.Top - heatmap.IntroTop < 700 ? heatmap.IntroTop - 16 : heatmap.Top - 360);
            await tab.ScreenshotAsync(Path.Combine(Paths.Screenshots, name + "-heatmap.png"), top, heatmap.Bottom + 16 - top);
        }
    }
}
