using System.Diagnostics;

namespace Course.Site;

/// <summary>
/// The front-end files the site bundles so it works offline: KaTeX (+ auto-render and fonts), highlight.js and
/// plotly.js from the npm packages pinned in tools/site-assets/package-lock.json, plus the site's own CSS and script.
/// Runs <c>npm ci</c> there when node_modules is missing, so a fresh clone needs no extra step.
/// </summary>
public static class SiteAssets
{
    /// <summary>Folder of the site (relative to a page) holding the assets.</summary>
    public const string Folder = "assets";

    /// <summary>The local plotly.js bundle, relative to a page.</summary>
    public const string PlotlyScript = Folder + "/plotly/plotly.min.js";

    /// <summary>Source in node_modules → destination under the site's assets folder.</summary>
    private static readonly (string From, string To)[] Files =
    [
        ("katex/dist/katex.min.js", "katex/katex.min.js"),
        ("katex/dist/katex.min.css", "katex/katex.min.css"),
        ("katex/dist/contrib/auto-render.min.js", "katex/auto-render.min.js"),
        ("@highlightjs/cdn-assets/highlight.min.js", "highlight/highlight.min.js"),
        ("@highlightjs/cdn-assets/styles/github.min.css", "highlight/github.min.css"),
        ("plotly.js-dist-min/plotly.min.js", "plotly/plotly.min.js"),
    ];

    /// <summary>Copies every asset into <c><paramref name="siteDir"/>/assets</c>.</summary>
    /// <param name="packageDir">tools/site-assets (package.json, package-lock.json).</param>
    /// <param name="siteDir">The site's root folder.</param>
    public static void CopyTo(string packageDir, string siteDir)
    {
        var modules = Path.Combine(packageDir, "node_modules");
        if (Files.Any(f => !File.Exists(Path.Combine(modules, f.From))))
            NpmCi(packageDir);
        var assets = Path.Combine(siteDir, Folder);
        foreach (var (from, to) in Files)
            Copy(Path.Combine(modules, from), Path.Combine(assets, to));
        // katex.min.css refers to fonts/… next to itself.
        foreach (var font in Directory.EnumerateFiles(Path.Combine(modules, "katex", "dist", "fonts")))
            Copy(font, Path.Combine(assets, "katex", "fonts", Path.GetFileName(font)));
        foreach (var name in new[] { "site.css", "site.js" })
        {
            using var resource = typeof(SiteAssets).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
            using var file = File.Create(Path.Combine(assets, name));
            resource.CopyTo(file);
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
    }

    private static void NpmCi(string packageDir)
    {
        var info = new ProcessStartInfo("npm")
        {
            WorkingDirectory = packageDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The site needs Node.js and npm (to install its front-end assets): " + e.Message, e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"`npm ci` failed in {packageDir}:\n{stdout.Result}{stderr.Result}");
        }
    }
}
