using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Notebooks.Tests.Browser;

/// <summary>
/// One tab: navigates, evaluates scripts, takes screenshots, and records what went wrong while it was open —
/// uncaught exceptions, console errors, failed loads, and any request that left the machine (the site is offline).
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    /// <summary>Viewport width in CSS pixels (screenshots have this width).</summary>
    public const int Width = 1100;

    private readonly CdpConnection connection;
    private readonly string targetId;
    private readonly string sessionId;
    private readonly ConcurrentQueue<string> problems = new();
    private TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BrowserPage(CdpConnection connection, string targetId, string sessionId)
    {
        this.connection = connection;
        this.targetId = targetId;
        this.sessionId = sessionId;
        connection.Event += OnEvent;
    }

    /// <summary>JavaScript errors, console errors, failed or non-local requests seen so far.</summary>
    public IReadOnlyList<string> Problems => problems.ToArray();

    internal static async Task<BrowserPage> OpenAsync(CdpConnection connection, string targetId, string sessionId)
    {
        var page = new BrowserPage(connection, targetId, sessionId);
        foreach (var domain in new[] { "Page", "Runtime", "Log", "Network" })
            await page.SendAsync($"{domain}.enable");
        // Requests off the machine are reported (see OnEvent) and blocked, so a broken page never reaches a network.
        await page.SendAsync("Network.setBlockedURLs", new JsonObject { ["urls"] = new JsonArray("http://*", "https://*", "ws://*", "wss://*") });
        await page.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = Width,
            ["height"] = 900,
            ["deviceScaleFactor"] = 1,
            ["mobile"] = false,
        });
        return page;
    }

    /// <summary>Loads a URL and waits for the load event (all synchronous and deferred scripts have run).</summary>
    public async Task NavigateAsync(Uri url)
    {
        loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri });
        if ((string?)result["errorText"] is { } error)
            throw new InvalidOperationException($"Could not open {url}: {error}");
        await loaded.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Evaluates an expression (a promise is awaited) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["awaitPromise"] = true,
            ["returnByValue"] = true,
        });
        if (result["exceptionDetails"] is JsonObject exception)
            throw new InvalidOperationException($"Script failed: {Describe(exception)}");
        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Saves a PNG of a region of the page (document coordinates, CSS pixels).</summary>
    public async Task ScreenshotAsync(string path, double y, double height)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new JsonObject { ["x"] = 0, ["y"] = y, ["width"] = Width, ["height"] = height, ["scale"] = 1 },
        });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)shot["data"]!));
    }

    private Task<JsonObject> SendAsync(string method, JsonObject? parameters = null) =>
        connection.SendAsync(method, parameters, sessionId);

    private void OnEvent(string method, JsonObject e, string? session)
    {
        if (session != sessionId)
            return;
        switch (method)
        {
            case "Page.loadEventFired":
                loaded.TrySetResult();
                break;
            case "Runtime.exceptionThrown":
                problems.Enqueue($"uncaught exception: {Describe(e["exceptionDetails"] as JsonObject)}");
                break;
            case "Runtime.consoleAPICalled" when Text(e, "type") is "error" or "assert":
                var args = (e["args"] as JsonArray ?? []).Select(a => Text(a, "value") ?? Text(a, "description"));
                problems.Enqueue($"console.{Text(e, "type")}: {string.Join(" ", args)}");
                break;
            case "Log.entryAdded" when Text(e["entry"], "level") == "error":
                problems.Enqueue($"browser log error: {Text(e["entry"], "text")} {Text(e["entry"], "url")}".TrimEnd());
                break;
            case "Network.requestWillBeSent":
                var url = Text(e["request"], "url") ?? "";
                if (!url.StartsWith("file:", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)
                    && !url.StartsWith("blob:", StringComparison.Ordinal) && url != "about:blank")
                    problems.Enqueue($"request leaves the machine (the site must work offline): {url}");
                break;
            case "Network.loadingFailed" when (bool?)e["canceled"] != true:
                problems.Enqueue($"failed to load ({Text(e, "errorText")}): request {Text(e, "requestId")}");
                break;
        }
    }

    private static string? Text(JsonNode? node, string key) => node is JsonObject o && o[key] is JsonValue v ? v.ToString() : null;

    private static string Describe(JsonObject? details) =>
        (string?)details?["exception"]?["description"] ?? (string?)details?["text"] ?? details?.ToJsonString() ?? "?";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        connection.Event -= OnEvent;
        try
        {
            await connection.SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = targetId });
        }
        catch (InvalidOperationException)
        {
        }
    }
}
