using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Notebooks.Tests.Browser;

/// <summary>
/// Headless Chromium (the Debian package at /usr/bin/chromium) driven over the DevTools protocol, with a fresh
/// profile and no background network traffic of its own. Disposing kills the browser's process tree.
/// </summary>
public sealed partial class Chromium : IAsyncDisposable
{
    /// <summary>Where the Debian package installs the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly Process process;
    private readonly string profile;

    private Chromium(Process process, string profile, CdpConnection connection)
    {
        this.process = process;
        this.profile = profile;
        Connection = connection;
    }

    /// <summary>The browser-level DevTools connection.</summary>
    public CdpConnection Connection { get; }

    /// <summary>True when the browser is installed.</summary>
    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>Starts the browser and connects to it (it prints its DevTools URL on stderr).</summary>
    public static async Task<Chromium> StartAsync()
    {
        var profile = Directory.CreateTempSubdirectory("course-chromium-").FullName;
        var info = new ProcessStartInfo(ExecutablePath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars",
                     "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank",
                 })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        _ = process.StandardOutput.ReadToEndAsync();
        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && DevToolsUrl().Match(e.Data) is { Success: true } m)
                endpoint.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.BeginErrorReadLine();
        try
        {
            var url = await endpoint.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new Chromium(process, profile, await CdpConnection.ConnectAsync(url));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>Opens a new tab with its own session; close it with <see cref="BrowserPage.DisposeAsync"/>.</summary>
    public async Task<BrowserPage> NewPageAsync()
    {
        var target = await Connection.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var targetId = (string)target["targetId"]!;
        var attached = await Connection.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = targetId, ["flatten"] = true });
        return await BrowserPage.OpenAsync(Connection, targetId, (string)attached["sessionId"]!);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        try
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsUrl();
}
