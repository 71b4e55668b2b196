using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Course.Runner;

/// <summary>
/// Executes a notebook in a fresh, real dotnet-interactive kernel (the tool pinned in .config/dotnet-tools.json,
/// the same one VS Code Polyglot Notebooks runs), one SubmitCode per code cell, and collects the outputs.
/// Stops at the first failed cell: later cells usually depend on it.
/// </summary>
public sealed class NotebookRunner
{
    private static readonly SemaphoreSlim ToolCheck = new(1, 1);
    private static bool toolReady;

    /// <summary>Creates a runner.</summary>
    /// <param name="cellTimeout">Per-cell limit; the kernel process tree is killed when a cell exceeds it.
    /// Default 5 minutes (the first cell may restore NuGet packages on a cold cache).</param>
    /// <param name="repoRoot">Folder holding Course.sln; found by walking up when null.</param>
    public NotebookRunner(TimeSpan? cellTimeout = null, string? repoRoot = null)
    {
        CellTimeout = cellTimeout ?? TimeSpan.FromMinutes(5);
        if (CellTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(cellTimeout), CellTimeout, "The cell timeout must be positive.");
        RepoRoot = repoRoot ?? Runner.RepoRoot.Find();
    }

    /// <summary>Per-cell limit.</summary>
    public TimeSpan CellTimeout { get; }

    /// <summary>Limit for the kernel to print KernelReady.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The repository root (the tool manifest lives there).</summary>
    public string RepoRoot { get; }

    /// <summary>The kernels a notebook cell may name; csharp is the default.</summary>
    public static KernelInfoCollection KernelInfos()
    {
        var kernels = new KernelInfoCollection
        {
            new KernelInfo("csharp", "C#", ["c#", "C#"]),
            new KernelInfo("fsharp", "F#", ["f#", "F#"]),
            new KernelInfo("pwsh", "PowerShell", ["powershell"]),
            new KernelInfo("javascript", "JavaScript", ["js"]),
            new KernelInfo("html", "HTML", []),
            new KernelInfo("mermaid", "Mermaid", []),
            new KernelInfo("markdown", "Markdown", ["md"]),
        };
        kernels.DefaultKernelName = "csharp";
        return kernels;
    }

    /// <summary>Runs one notebook and optionally writes the executed copy.</summary>
    /// <param name="notebookPath">The .ipynb to run.</param>
    /// <param name="outputPath">Where to write the executed notebook (.ipynb with outputs); null: don't write.</param>
    /// <param name="workingDirectory">The kernel's working directory; default the notebook's folder (as in VS Code).</param>
    /// <param name="cancellationToken">Cancels the run (the kernel is killed).</param>
    public async Task<NotebookResult> RunAsync(string notebookPath, string? outputPath = null,
        string? workingDirectory = null, CancellationToken cancellationToken = default)
    {
        notebookPath = Path.GetFullPath(notebookPath);
        var name = Path.GetFileName(notebookPath);
        var document = Notebook.Parse(await File.ReadAllTextAsync(notebookPath, cancellationToken), KernelInfos());
        var codeCells = document.Elements.Count(IsCode);
        var clock = Stopwatch.StartNew();
        var cells = new List<CellResult>();
        string? failure = null;

        await EnsureToolAsync(cancellationToken);
        using (var kernel = KernelProcess.Start(RepoRoot, workingDirectory ?? Path.GetDirectoryName(notebookPath)!))
        {
            var startError = await WaitForReadyAsync(kernel, cancellationToken);
            if (startError is not null)
                failure = $"{name}: the kernel did not start: {startError}";
            var order = 0;
            for (var i = 0; i < document.Elements.Count; i++)
            {
                var element = document.Elements[i];
                if (!IsCode(element))
                    continue;
                element.Outputs.Clear();
                if (failure is not null || string.IsNullOrWhiteSpace(element.Contents))
                    continue;
                var cell = await RunCellAsync(kernel, i, element, cancellationToken);
                cells.Add(cell);
                element.ExecutionOrder = ++order;
                element.Outputs.AddRange(cell.Outputs.Select(ToDocumentOutput));
                if (!cell.Succeeded)
                    failure = $"{name}: cell {i} (`{cell.FirstLine}`) failed: {cell.Error}";
            }
        }

        var result = new NotebookResult(notebookPath, cells, codeCells, clock.Elapsed, failure, document);
        if (outputPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
            // Notebook.Write adds a top-level "kernelInfo" copy next to polyglot_notebook.kernelInfo: drop it.
            using var written = new MemoryStream();
            Notebook.Write(document, written, KernelInfos());
            var json = JsonNode.Parse(written.ToArray())!;
            if (json["metadata"] is JsonObject metadata)
            {
                if (metadata.ContainsKey("polyglot_notebook"))
                    metadata.Remove("kernelInfo");
                // The site's summary (Course.Site.RunStats) reads these; kernels ignore unknown metadata.
                metadata[Course.Site.ExecutedNotebook.RunMetadataKey] = new JsonObject
                {
                    ["succeeded"] = result.Succeeded,
                    ["cellsRun"] = result.Cells.Count,
                    ["codeCells"] = result.CodeCellCount,
                    ["seconds"] = Math.Round(result.Elapsed.TotalSeconds, 1),
                    ["checksPassed"] = result.ChecksPassed,
                    ["checksFailed"] = result.ChecksFailed,
                };
            }
            await File.WriteAllTextAsync(outputPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        }
        return result;
    }

    private static bool IsCode(InteractiveDocumentElement element) =>
        element.KernelName is not ("markdown" or "md");

    private async Task<string?> WaitForReadyAsync(KernelProcess kernel, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            while (await kernel.ReadAsync(timeout.Token) is { } envelope)
                if ((string?)envelope["eventType"] == "KernelReady")
                    return null;
            return $"the process exited. stderr:\n{Tail(kernel.StandardError)}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            kernel.Kill();
            return $"no KernelReady within {StartTimeout.TotalSeconds:0} s. stderr:\n{Tail(kernel.StandardError)}";
        }
    }

    private async Task<CellResult> RunCellAsync(KernelProcess kernel, int index, InteractiveDocumentElement element,
        CancellationToken cancellationToken)
    {
        var token = $"cell{index}";
        var kernelName = string.IsNullOrEmpty(element.KernelName) ? "csharp" : element.KernelName;
        var firstLine = element.Contents.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        var outputs = new List<CellOutput>();
        var displayIndex = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        // An error the kernel shows in a cell that still completes (a failed `#r` or compile inside an imported cell) is a failure.
        string? shownError = null;
        CellResult Done(string? error) => new(index, kernelName, firstLine, outputs, error, clock.Elapsed);

        kernel.Send(new JsonObject
        {
            ["token"] = token,
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = element.Contents, ["targetKernelName"] = kernelName },
        });

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CellTimeout);
        try
        {
            while (await kernel.ReadAsync(timeout.Token) is { } envelope)
            {
                var commandToken = (string?)envelope["command"]?["token"];
                // Child commands (imports, package restores) carry tokens such as cell3.1: they belong to this cell.
                if (commandToken != token && commandToken?.StartsWith(token + ".", StringComparison.Ordinal) != true)
                    continue;
                var e = envelope["event"] as JsonObject;
                switch ((string?)envelope["eventType"])
                {
                    case "DisplayedValueProduced":
                    case "DisplayedValueUpdated":
                        var display = new CellOutput("display", Formatted(e));
                        var valueId = (string?)e?["valueId"];
                        if (valueId is not null && displayIndex.TryGetValue(valueId, out var at))
                            outputs[at] = display;
                        else
                        {
                            if (valueId is not null)
                                displayIndex[valueId] = outputs.Count;
                            outputs.Add(display);
                        }
                        break;
                    case "ReturnValueProduced":
                        outputs.Add(new CellOutput("return", Formatted(e)));
                        break;
                    case "StandardOutputValueProduced":
                        outputs.Add(new CellOutput("stdout", Formatted(e)));
                        break;
                    case "StandardErrorValueProduced":
                        outputs.Add(new CellOutput("stderr", Formatted(e)));
                        break;
                    case "ErrorProduced":
                        var shown = (string?)e?["message"] ?? "error";
                        shownError ??= shown;
                        outputs.Add(Error(shown));
                        break;
                    case "CommandFailed" when commandToken == token:
                        var message = (string?)e?["message"] ?? "CommandFailed without a message";
                        outputs.Add(Error(message));
                        return Done(message);
                    case "CommandSucceeded" when commandToken == token:
                        return Done(shownError is null ? null : $"the cell completed but showed an error: {shownError}");
                }
            }
            return Done($"the kernel process exited. stderr:\n{Tail(kernel.StandardError)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Cancel does not stop a compute-bound loop: only killing the process does.
            kernel.Kill();
            var message = $"timed out after {CellTimeout.TotalSeconds:0.#} s; the kernel process was killed.";
            outputs.Add(Error(message));
            return Done(message);
        }
    }

    private static CellOutput Error(string message) =>
        new("error", new Dictionary<string, string> { ["text/plain"] = message });

    private static Dictionary<string, string> Formatted(JsonObject? e)
    {
        var values = new Dictionary<string, string>();
        if (e?["formattedValues"] is JsonArray formatted)
            foreach (var value in formatted.OfType<JsonObject>())
                if ((string?)value["mimeType"] is { } mime)
                    values[mime] = (string?)value["value"] ?? "";
        return values;
    }

    private static InteractiveDocumentOutputElement ToDocumentOutput(CellOutput output) => output.Kind switch
    {
        "stdout" or "stderr" => new TextElement(output.Text ?? "", output.Kind),
        "error" => new ErrorElement("Error", output.Text ?? "", []),
        "return" => ReturnValue(output.Values),
        _ => new DisplayElement(output.Values.ToDictionary(kv => kv.Key, kv => (object)kv.Value)),
    };

    private static ReturnValueElement ReturnValue(IReadOnlyDictionary<string, string> values)
    {
        var element = new ReturnValueElement();
        foreach (var (mime, value) in values)
            element.Data[mime] = value;
        return element;
    }

    private static string Tail(string text, int lines = 20) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));

    private async Task EnsureToolAsync(CancellationToken cancellationToken)
    {
        await ToolCheck.WaitAsync(cancellationToken);
        try
        {
            if (toolReady)
                return;
            if (await DotnetAsync(cancellationToken, "tool", "run", "dotnet-interactive", "--", "--version") is not (0, _))
            {
                var (code, output) = await DotnetAsync(cancellationToken, "tool", "restore");
                if (code != 0)
                    throw new InvalidOperationException($"`dotnet tool restore` failed in {RepoRoot}:\n{output}");
            }
            toolReady = true;
        }
        finally
        {
            ToolCheck.Release();
        }
    }

    private async Task<(int ExitCode, string Output)> DotnetAsync(CancellationToken cancellationToken, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
