using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Course.Site;

/// <summary>One output of an executed code cell, as stored in the .ipynb.</summary>
/// <param name="Kind">"stream", "display", "result" or "error".</param>
/// <param name="Values">Values by MIME type (a stream or error is stored as "text/plain").</param>
public sealed record NotebookOutput(string Kind, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>The text/html value, if any.</summary>
    public string? Html => Values.GetValueOrDefault("text/html");

    /// <summary>The text/plain value, if any.</summary>
    public string? Text => Values.GetValueOrDefault("text/plain");

    /// <summary>True for a Plotly.NET chart (<see cref="ChartHtml.IsChart"/>).</summary>
    public bool IsChart => ChartHtml.IsChart(Html);
}

/// <summary>One cell of an executed notebook.</summary>
/// <param name="IsMarkdown">True for a Markdown cell, false for a code cell.</param>
/// <param name="Source">The cell's text.</param>
/// <param name="Outputs">Outputs of a code cell (none for Markdown).</param>
public sealed partial record NotebookCell(bool IsMarkdown, string Source, IReadOnlyList<NotebookOutput> Outputs)
{
    /// <summary>
    /// The exercise id of an exercise cell (first line <c>// Exercise 4.1a: title</c>), else null.
    /// </summary>
    public string? ExerciseId => IsMarkdown ? null : ExerciseMarker().Match(Source) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"\A\s*//\s*Exercise\s+([^\s:]+)")]
    private static partial Regex ExerciseMarker();
}

/// <summary>The run statistics the runner stores in an executed notebook's metadata (<c>course_run</c>).</summary>
/// <param name="Succeeded">Every code cell ran.</param>
/// <param name="CellsRun">Code cells executed.</param>
/// <param name="CodeCells">Code cells in the notebook.</param>
/// <param name="Seconds">Wall time of the run, kernel start included.</param>
/// <param name="ChecksPassed">Output lines starting with ✓.</param>
/// <param name="ChecksFailed">Output lines starting with ✗.</param>
public sealed record RunStats(bool Succeeded, int CellsRun, int CodeCells, double Seconds, int ChecksPassed, int ChecksFailed);

/// <summary>An executed .ipynb (written by the notebook runner), read as the site needs it.</summary>
/// <param name="FileName">File name, e.g. <c>04.1-head-dimensions.ipynb</c>.</param>
/// <param name="Cells">Cells in order.</param>
/// <param name="Run">Run statistics, or null when the notebook carries none.</param>
public sealed record ExecutedNotebook(string FileName, IReadOnlyList<NotebookCell> Cells, RunStats? Run)
{
    /// <summary>The metadata key holding <see cref="RunStats"/>.</summary>
    public const string RunMetadataKey = "course_run";

    /// <summary>The page's file name in the site: the notebook's name with .html.</summary>
    public string PageName => Path.ChangeExtension(FileName, ".html");

    /// <summary>The text of the first Markdown heading, else the file name without extension.</summary>
    public string Title => Cells.Where(c => c.IsMarkdown)
        .SelectMany(c => c.Source.Split('\n'))
        .Select(line => line.Trim())
        .FirstOrDefault(line => line.StartsWith('#'))?.TrimStart('#').Trim()
        ?? Path.GetFileNameWithoutExtension(FileName);

    /// <summary>Reads an executed .ipynb (nbformat 4).</summary>
    public static ExecutedNotebook Load(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path}: not a notebook (no top-level JSON object).");
        var cells = (json["cells"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(cell => new NotebookCell(
                (string?)cell["cell_type"] == "markdown",
                Text(cell["source"]),
                (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>().Select(Output).ToArray()))
            .ToArray();
        return new ExecutedNotebook(Path.GetFileName(path), cells, Stats(json["metadata"]?[RunMetadataKey]));
    }

    private static NotebookOutput Output(JsonObject output) => (string?)output["output_type"] switch
    {
        "stream" => new("stream", Plain(Text(output["text"]))),
        "error" => new("error", Plain($"{(string?)output["ename"]}: {(string?)output["evalue"]}")),
        var type => new(type == "execute_result" ? "result" : "display",
            (output["data"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => Text(kv.Value))),
    };

    private static Dictionary<string, string> Plain(string text) => new() { ["text/plain"] = text };

    private static RunStats? Stats(JsonNode? node) => node is JsonObject run
        ? new RunStats((bool?)run["succeeded"] ?? false, (int?)run["cellsRun"] ?? 0, (int?)run["codeCells"] ?? 0,
            (double?)run["seconds"] ?? 0, (int?)run["checksPassed"] ?? 0, (int?)run["checksFailed"] ?? 0)
        : null;

    // nbformat stores multi-line strings either as one string or as an array of lines.
    private static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(line => (string?)line)),
        JsonValue value => value.ToString(),
        null => "",
        _ => node.ToJsonString(),
    };
}
