namespace Course.Site;

/// <summary>Renders executed notebooks to a static site: index.html, one page per notebook, assets/ (works offline).</summary>
public static class SiteBuilder
{
    /// <summary>
    /// Writes the site into <paramref name="siteDir"/> (emptied first, so no page outlives its notebook).
    /// </summary>
    /// <param name="executedNotebooks">Executed .ipynb files, in course order.</param>
    /// <param name="siteDir">Output folder, e.g. artifacts/site.</param>
    /// <param name="assetsPackageDir">tools/site-assets: the npm package whose node_modules supplies the front-end files.</param>
    /// <returns>The path of index.html.</returns>
    public static string Build(IReadOnlyList<string> executedNotebooks, string siteDir, string assetsPackageDir)
    {
        ArgumentNullException.ThrowIfNull(executedNotebooks);
        var notebooks = executedNotebooks.Select(ExecutedNotebook.Load).ToArray();
        if (Directory.Exists(siteDir))
            Directory.Delete(siteDir, recursive: true);
        Directory.CreateDirectory(siteDir);
        SiteAssets.CopyTo(assetsPackageDir, siteDir);
        for (var i = 0; i < notebooks.Length; i++)
        {
            var page = NotebookPage.Render(notebooks[i], i > 0 ? notebooks[i - 1] : null, i + 1 < notebooks.Length ? notebooks[i + 1] : null);
            File.WriteAllText(Path.Combine(siteDir, notebooks[i].PageName), page);
        }
        var index = Path.Combine(siteDir, IndexPage.FileName);
        File.WriteAllText(index, IndexPage.Render(notebooks));
        return index;
    }
}
