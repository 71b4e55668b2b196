using System.Text.Json;
using Attention;
using Course.Grading;
using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// Builds the sample class from the one source of exercises. Generated students: "complete" (every reference answer),
/// "partial" (every other exercise answered, the rest stubs) and "stubs" (the notebooks as shipped). Hand-written
/// students live in SampleClass/&lt;student&gt;/: their answers default to the reference, and
/// <list type="bullet">
/// <item>cells/&lt;id&gt;.cs replaces the code of one exercise cell (a hostile answer),</item>
/// <item>*.ipynb replaces the generated notebook of the same prefix; inside it {{solution:ID}}, {{stub:ID}},
/// {{check:ID}} and {{marker:ID}} are filled in from the exercise definitions,</item>
/// <item>omit.txt lists notebook prefixes not to generate ("*" for an empty folder).</item>
/// </list>
/// </summary>
public static class SampleClass
{
    /// <summary>The hand-written students' source folder (copied next to the test assembly).</summary>
    public static string Source => Path.Combine(AppContext.BaseDirectory, "SampleClass");

    /// <summary>The checked-in expected gradebook of the sample class.</summary>
    public static string ExpectedGradebook => Path.Combine(Source, "expected-gradebook.csv");

    /// <summary>Writes the whole sample class into <paramref name="folder"/> (emptied first).</summary>
    public static void Write(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        NotebookCells.WriteSubmission(Path.Combine(folder, "complete"), e => ReferenceAnswers.Code(e.Id));
        var partial = Exercises.All.Where((_, k) => k % 2 == 0).Select(e => e.Id).ToHashSet();
        NotebookCells.WriteSubmission(Path.Combine(folder, "partial"), e => partial.Contains(e.Id) ? ReferenceAnswers.Code(e.Id) : null);
        NotebookCells.WriteSubmission(Path.Combine(folder, "stubs"), _ => null);
        foreach (string hostile in Directory.EnumerateDirectories(Source))
        {
            WriteHandWritten(hostile, Path.Combine(folder, Path.GetFileName(hostile)));
        }
    }

    private static void WriteHandWritten(string source, string target)
    {
        Directory.CreateDirectory(target);
        string omitFile = Path.Combine(source, "omit.txt");
        string[] omit = File.Exists(omitFile) ? File.ReadAllLines(omitFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray() : [];
        if (omit.Contains("*"))
        {
            return;
        }

        var replacedCells = Directory.Exists(Path.Combine(source, "cells"))
            ? Directory.EnumerateFiles(Path.Combine(source, "cells"), "*.cs").ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllText)
            : [];
        var handNotebooks = Directory.EnumerateFiles(source, "*.ipynb").ToList();
        foreach (string notebook in Exercises.All.Select(e => e.Notebook).Distinct())
        {
            if (omit.Contains(notebook) || handNotebooks.Any(h => Path.GetFileName(h).StartsWith(notebook, StringComparison.Ordinal)))
            {
                continue;
            }

            NotebookCells.Write(
                NotebookCells.ExerciseNotebook(notebook, e => replacedCells.TryGetValue(e.Id, out string? code) ? code : ReferenceAnswers.Code(e.Id)),
                Path.Combine(target, $"{notebook}-exercises.ipynb"));
        }

        foreach (string hand in handNotebooks)
        {
            File.WriteAllText(Path.Combine(target, Path.GetFileName(hand)), FillPlaceholders(File.ReadAllText(hand)));
        }
    }

    private static string FillPlaceholders(string json)
    {
        foreach (Exercise e in Exercises.All)
        {
            json = json
                .Replace($"{{{{solution:{e.Id}}}}}", Escape(ReferenceAnswers.Cell(e.Id)), StringComparison.Ordinal)
                .Replace($"{{{{stub:{e.Id}}}}}", Escape(ExerciseCells.StubCell(e)), StringComparison.Ordinal)
                .Replace($"{{{{check:{e.Id}}}}}", Escape(ExerciseCells.CheckCell(e)), StringComparison.Ordinal)
                .Replace($"{{{{marker:{e.Id}}}}}", Escape(ExerciseCells.Marker(e)), StringComparison.Ordinal);
        }

        return json;
    }

    // The text as it goes inside a JSON string literal (without the quotes).
    private static string Escape(string text) => JsonSerializer.Serialize(text)[1..^1];
}
