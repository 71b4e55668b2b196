using Course.Site;

namespace Course.Runner;

/// <summary>The course's own site: executed copies of notebooks/*.ipynb (artifacts/executed/) → artifacts/site/.</summary>
public static class CourseSite
{
    /// <summary>artifacts/site under the repository root.</summary>
    public static string SiteDir(string root) => Path.Combine(root, "artifacts", "site");

    /// <summary>artifacts/executed under the repository root.</summary>
    public static string ExecutedDir(string root) => Path.Combine(root, "artifacts", "executed");

    /// <summary>tools/site-assets: package.json and package-lock.json of the bundled front-end files.</summary>
    public static string AssetsPackageDir(string root) => Path.Combine(root, "tools", "site-assets");

    /// <summary>
    /// Renders every course notebook that has an executed copy, in course order (a filtered run keeps the other
    /// notebooks' earlier copies). Notebooks without one are returned so the caller can say so.
    /// </summary>
    /// <returns>index.html's path and the notebooks that have no executed copy yet.</returns>
    public static (string Index, IReadOnlyList<string> Missing) Build(string root)
    {
        var executed = new List<string>();
        var missing = new List<string>();
        foreach (var notebook in NotebookDiscovery.Find(Path.Combine(root, "notebooks")))
        {
            var copy = Path.Combine(ExecutedDir(root), Path.GetFileName(notebook));
            (File.Exists(copy) ? executed : missing).Add(File.Exists(copy) ? copy : Path.GetFileName(notebook));
        }
        return (SiteBuilder.Build(executed, SiteDir(root), AssetsPackageDir(root)), missing);
    }
}
