using Course.Runner;
using Course.Site;
using Notebooks.Tests.Browser;

namespace Notebooks.Tests;

/// <summary>
/// The site built from the executed course notebooks (each executed once, shared with the notebook theory), and one
/// browser for all pages. Both start on first use, so skipped tests start nothing.
/// </summary>
public sealed class SiteFixture : IAsyncLifetime
{
    private readonly Lazy<Task<string>> site = new(BuildAsync);
    private readonly Lazy<Task<Chromium>> browser = new(Chromium.StartAsync);

    /// <summary>The site's folder (artifacts/site-tests), built once.</summary>
    public Task<string> SiteAsync() => site.Value;

    /// <summary>The shared headless browser.</summary>
    public Task<Chromium> BrowserAsync() => browser.Value;

    private static async Task<string> BuildAsync()
    {
        var executed = new List<string>();
        foreach (var notebook in ExecutedCourse.Notebooks)
        {
            await ExecutedCourse.RunAsync(notebook);
            executed.Add(ExecutedCourse.ExecutedPath(notebook));
        }
        SiteBuilder.Build(executed, Paths.Site, CourseSite.AssetsPackageDir(Paths.Root));
        return Paths.Site;
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (browser.IsValueCreated && browser.Value.IsCompletedSuccessfully)
            await (await browser.Value).DisposeAsync();
    }
}
