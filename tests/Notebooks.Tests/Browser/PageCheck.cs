using System.Text.Json.Nodes;

namespace Notebooks.Tests.Browser;

/// <summary>One chart on a page: whether plotly drew it, and where it is (document coordinates).</summary>
/// <param name="Id">The chart div's id.</param>
/// <param name="Drawn">plotly drew it: .main-svg holds at least one trace.</param>
/// <param name="Heatmap">It holds a drawn heatmap.</param>
/// <param name="Top">Top of the chart.</param>
/// <param name="Bottom">Bottom of the chart.</param>
/// <param name="IntroTop">Top of the Markdown cell that introduces the chart's code cell (or the cell itself).</param>
public sealed record PlotInfo(string Id, bool Drawn, bool Heatmap, double Top, double Bottom, double IntroTop);

/// <summary>What a page looks like once its scripts ran, and everything wrong with it.</summary>
/// <param name="Plots">Every <c>.course-plot</c> on the page.</param>
/// <param name="MathCount">Formulas Markdig marked in Markdown cells (<c>.math</c>).</param>
/// <param name="KatexCount">Formulas KaTeX rendered on the page (<c>.katex</c>).</param>
/// <param name="Height">Document height in CSS pixels.</param>
/// <param name="Problems">Everything wrong, one line each; empty for a good page.</param>
public sealed record PageReport(IReadOnlyList<PlotInfo> Plots, int MathCount, int KatexCount, double Height, IReadOnlyList<string> Problems);

/// <summary>
/// Checks a loaded page in the browser: charts drawn, formulas typeset, no TeX left raw, code highlighted, every
/// local link and asset present, and no JavaScript error or network request (see <see cref="BrowserPage.Problems"/>).
/// </summary>
public static class PageCheck
{
    // Waits up to 10 s for plotly to draw, then reads the page. A drawn chart has plotly's .main-svg holding at least
    // one trace group (.trace for scatter/bar, .hm for a heatmap's image layer).
    private const string Inspect = """
        (async () => {
          const plots = () => Array.from(document.querySelectorAll(".course-plot"));
          // Drawn marks only: plotly gives a bar it could not place (names on a linear axis) the empty path "M0,0Z".
          const drawn = p => { const d = p.getAttribute("d") || ""; return d.length > 0 && d !== "M0,0Z"; };
          const marks = el => el.querySelectorAll(".main-svg .hm").length +
            Array.from(el.querySelectorAll(".main-svg .trace path")).filter(drawn).length;
          const deadline = Date.now() + 10000;
          while (plots().some(el => marks(el) === 0) && Date.now() < deadline)
            await new Promise(r => setTimeout(r, 100));
          const raw = [];
          document.querySelectorAll(".markdown").forEach(cell => {
            const copy = cell.cloneNode(true);
            copy.querySelectorAll(".katex, code, pre").forEach(n => n.remove());
            const text = copy.textContent;
            const found = Array.from(text.matchAll(/\$|\\[()\[\]]|\\[A-Za-z]+/g));
            if (found.length > 0)  // one line per cell: how many, and where the first one is
              raw.push(`${found.length} mark(s) in a Markdown cell, first: …` +
                       text.slice(Math.max(0, found[0].index - 30), found[0].index + 30).replace(/\s+/g, " ") + "…");
          });
          const math = Array.from(document.querySelectorAll(".markdown .math"));
          const abs = el => { const r = el.getBoundingClientRect(); return [r.top + scrollY, r.bottom + scrollY]; };
          const intro = el => {
            let cell = el.closest(".cell");
            const prev = cell && cell.previousElementSibling;
            return prev && prev.classList.contains("markdown") ? prev : cell || el;
          };
          return {
            height: document.documentElement.scrollHeight,
            plots: plots().map(el => ({ id: el.id, drawn: marks(el) > 0, heatmap: !!el.querySelector(".main-svg .hm"),
                                        top: abs(el)[0], bottom: abs(el)[1], introTop: abs(intro(el))[0] })),
            math: math.length,
            mathRendered: math.filter(m => m.querySelector(".katex")).length,
            katex: document.querySelectorAll(".katex").length,
            katexErrors: Array.from(document.querySelectorAll(".katex-error")).map(e => e.getAttribute("title") || e.textContent),
            rawTex: raw,
            links: Array.from(document.querySelectorAll("a[href]")).map(a => a.href),
            missingAnchors: Array.from(document.querySelectorAll("a[href^='#']"))
              .map(a => a.getAttribute("href")).filter(h => h.length > 1 && !document.getElementById(decodeURIComponent(h.slice(1)))),
            assets: Array.from(document.querySelectorAll("script[src]")).map(s => s.src)
              .concat(Array.from(document.querySelectorAll("link[href], img[src]")).map(e => e.href || e.src)),
            code: document.querySelectorAll("pre code").length,
            highlighted: document.querySelectorAll("pre code.hljs").length,
          };
        })()
        """;

    /// <summary>Opens <paramref name="page"/> at <paramref name="url"/> (a file:// page of the site) and checks it.</summary>
    public static async Task<PageReport> RunAsync(BrowserPage page, Uri url)
    {
        await page.NavigateAsync(url);
        var r = (JsonObject)(await page.EvaluateAsync(Inspect))!;
        var problems = new List<string>(page.Problems);
        var plots = ((JsonArray)r["plots"]!).Select(p => new PlotInfo((string)p!["id"]!, (bool)p["drawn"]!, (bool)p["heatmap"]!,
            (double)p["top"]!, (double)p["bottom"]!, (double)p["introTop"]!)).ToArray();
        problems.AddRange(plots.Where(p => !p.Drawn).Select(p => $"chart {p.Id} was not drawn (no .main-svg with a drawn mark)"));
        var math = (int)r["math"]!;
        if ((int)r["mathRendered"]! != math)
            problems.Add($"{math - (int)r["mathRendered"]!} of {math} formulas were not rendered by KaTeX");
        problems.AddRange(Strings(r["katexErrors"]).Select(e => $"KaTeX error: {e}"));
        problems.AddRange(Strings(r["rawTex"]).Select(t => $"raw TeX left in the text: {t}"));
        problems.AddRange(Strings(r["missingAnchors"]).Select(h => $"link {h} has no target on the page"));
        problems.AddRange(Strings(r["links"]).Select(link => new Uri(link)).Where(u => u.IsFile && !File.Exists(u.LocalPath))
            .Select(u => $"broken link: {u.LocalPath} does not exist"));
        foreach (var asset in Strings(r["assets"]).Select(a => new Uri(a)))
        {
            if (!asset.IsFile)
                problems.Add($"asset not bundled (the site must work offline): {asset}");
            else if (!File.Exists(asset.LocalPath))
                problems.Add($"missing asset: {asset.LocalPath}");
        }
        if ((int)r["highlighted"]! != (int)r["code"]!)
            problems.Add($"{(int)r["code"]! - (int)r["highlighted"]!} of {(int)r["code"]!} code blocks were not highlighted");
        return new PageReport(plots, math, (int)r["katex"]!, (double)r["height"]!, problems);
    }

    private static IEnumerable<string> Strings(JsonNode? array) => (array as JsonArray ?? []).Select(n => (string?)n ?? "");
}
