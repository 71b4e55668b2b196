using System.Text.Json;
using System.Text.Json.Nodes;
using Attention;
using Attention.Exercises;
using Course.Grading;

namespace Course.Authoring;

/// <summary>
/// Keeps the exercise section of every course notebook in step with the one source (lib/Attention.Exercises): after
/// the notebook's <c>## Exercises</c> Markdown cell come, per exercise, a Markdown task cell, the stub cell (with the
/// exercise id in its metadata and the marker as its first line) and the check cell. Edits the notebook JSON in place,
/// leaving every other cell byte for byte as it was, so authored notebooks keep clean diffs.
/// </summary>
public static class CourseNotebooks
{
    private const string ExercisesHeading = "## Exercises";
    private const string TaskHeading = "### Exercise ";

    /// <summary>
    /// Brings each notebook under <paramref name="folder"/> that owns exercises up to date; with
    /// <paramref name="write"/> false only reports. Returns one line per notebook that is (or was) out of step.
    /// </summary>
    public static IReadOnlyList<string> Sync(string folder, bool write)
    {
        var changes = new List<string>();
        foreach (var group in Exercises.All.GroupBy(e => e.Notebook))
        {
            string[] files = Directory.GetFiles(folder, group.Key + "-*.ipynb");
            if (files.Length != 1)
            {
                changes.Add($"{group.Key}: expected one notebook {group.Key}-*.ipynb in {folder}, found {files.Length}.");
                continue;
            }

            string before = File.ReadAllText(files[0]);
            string after = WithExercises(before, [.. group], Path.GetFileName(files[0]));
            if (after != before)
            {
                changes.Add($"{Path.GetFileName(files[0])}: exercise cells differ from lib/Attention.Exercises ({string.Join(", ", group.Select(e => e.Id))}).");
                if (write)
                {
                    File.WriteAllText(files[0], after);
                }
            }
        }

        return changes;
    }

    /// <summary>
    /// The notebook JSON with its exercise section rebuilt from <paramref name="exercises"/>; each exercise cell holds
    /// <paramref name="code"/>'s answer (default: the stub), e.g. the reference answers for an instructor's copy.
    /// </summary>
    public static string WithExercises(string notebookJson, IReadOnlyList<Exercise> exercises, string name, Func<Exercise, string>? code = null)
    {
        JsonNode root = JsonNode.Parse(notebookJson) ?? throw new InvalidDataException($"{name} is not JSON.");
        JsonArray cells = root["cells"]?.AsArray() ?? throw new InvalidDataException($"{name} has no cells.");
        int heading = IndexOf(cells, c => Source(c).StartsWith(ExercisesHeading, StringComparison.Ordinal) && Type(c) == "markdown");
        if (heading < 0)
        {
            throw new InvalidDataException($"{name} has no '{ExercisesHeading}' Markdown cell to put its exercises after.");
        }

        // Remove what a previous sync wrote: task headings, exercise cells and check cells right after the heading.
        while (heading + 1 < cells.Count && IsExerciseOwned(cells[heading + 1]!))
        {
            cells.RemoveAt(heading + 1);
        }

        int at = heading + 1;
        foreach (Exercise e in exercises)
        {
            string points = $"{e.Points:0.##} point{(e.Points == 1 ? "" : "s")}";
            cells.Insert(at++, Markdown($"{TaskHeading}{e.Id}: {e.Title} ({points})\n\n{e.Task}\n\nImplement `{e.Signature}` in the cell below; the cell after it checks your answer with practice cases (the grader may add hidden ones, drawn fresh for each grading run)."));
            cells.Insert(at++, Code(code is null ? ExerciseCells.StubCell(e) : ExerciseCells.Cell(e, code(e)), e.Id));
            cells.Insert(at++, Code(ExerciseCells.CheckCell(e), exerciseId: null));
        }

        // Jupyter's own layout: one-space indent, characters unescaped.
        string indented = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return notebookJson.EndsWith('\n') ? indented + "\n" : indented;
    }

    private static bool IsExerciseOwned(JsonNode cell)
    {
        string source = Source(cell);
        return (Type(cell) == "markdown" && source.StartsWith(TaskHeading, StringComparison.Ordinal))
            || (Type(cell) == "code" && (ExerciseCells.MarkerId(source.Split('\n')[0]) is not null
                || source.TrimStart().StartsWith("Exercises.Check(", StringComparison.Ordinal)));
    }

    private static JsonObject Markdown(string text) => new()
    {
        ["cell_type"] = "markdown",
        ["metadata"] = new JsonObject(),
        ["source"] = Lines(text),
    };

    private static JsonObject Code(string text, string? exerciseId)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        };
        if (exerciseId is not null)
        {
            metadata[ExerciseCells.MetadataKey] = new JsonObject { [ExerciseCells.ExerciseKey] = exerciseId };
        }

        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = metadata,
            ["outputs"] = new JsonArray(),
            ["source"] = Lines(text.TrimEnd('\n')),
        };
    }

    // Jupyter stores source as lines that keep their '\n', the last one without.
    private static JsonArray Lines(string text)
    {
        string[] lines = text.Split('\n');
        return [.. lines.Select((line, k) => (JsonNode?)JsonValue.Create(k < lines.Length - 1 ? line + "\n" : line))];
    }

    private static string Source(JsonNode? cell) => cell?["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
        JsonValue text => text.GetValue<string>(),
        _ => "",
    };

    private static string Type(JsonNode? cell) => cell?["cell_type"]?.GetValue<string>() ?? "";

    private static int IndexOf(JsonArray cells, Func<JsonNode?, bool> match)
    {
        for (int k = 0; k < cells.Count; k++)
        {
            if (match(cells[k]))
            {
                return k;
            }
        }

        return -1;
    }
}
