using System.Text.Json;
using Attention;
using Attention.Exercises;
using Course.Grading;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Course.Grader;

/// <summary>One notebook of a submission: its parsed document, or why it could not be read.</summary>
/// <param name="RelativePath">Path inside the student's folder, e.g. 04.1-head-dimensions.ipynb.</param>
/// <param name="Document">The parsed notebook; null when unreadable.</param>
/// <param name="Error">Why it could not be read; null when readable.</param>
/// <param name="Refused">The file itself was refused (a symbolic link, a special file, over the size limit) and never opened.</param>
public sealed record SubmittedNotebook(string RelativePath, InteractiveDocument? Document, string? Error, bool Refused = false);

/// <summary>Where an exercise cell was found (code plus notes), or why not.</summary>
/// <param name="Code">The cell's code; null when not found.</param>
/// <param name="Status">The gradebook status when not found (not-found or unreadable-notebook).</param>
/// <param name="Reason">Why not found; null when found.</param>
/// <param name="Notes">Notes for feedback, e.g. which of several duplicated cells was graded.</param>
public sealed record CellLookup(string? Code, string Status, string? Reason, IReadOnlyList<string> Notes);

/// <summary>A student's folder of notebooks, read with Microsoft.DotNet.Interactive.Documents.</summary>
public sealed class Submission
{
    private static readonly KernelInfoCollection Kernels = [new KernelInfo("csharp"), new KernelInfo("fsharp"), new KernelInfo("pwsh"), new KernelInfo("markdown")];

    private Submission(string student, IReadOnlyList<SubmittedNotebook> notebooks)
    {
        Student = student;
        Notebooks = notebooks;
    }

    /// <summary>The student's name: the folder name.</summary>
    public string Student { get; }

    /// <summary>Every .ipynb under the folder, ordered by relative path.</summary>
    public IReadOnlyList<SubmittedNotebook> Notebooks { get; }

    /// <summary>Reads every notebook under <paramref name="folder"/>; unreadable ones are kept with their error.</summary>
    public static Submission Read(string folder)
    {
        var notebooks = new List<SubmittedNotebook>();
        Walk(new DirectoryInfo(folder), folder, notebooks);
        notebooks.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new Submission(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), notebooks);
    }

    /// <summary>The largest notebook file read: 32 MiB (a course notebook with outputs is under 2).</summary>
    public const long MaxNotebookBytes = 32L << 20;

    // Only what is really inside the folder is read: a symbolic link (to a classmate's notebook, to /dev/zero, anywhere) is
    // refused, never followed, and so is a special file (a pipe or device reports length 0) or an oversized one.
    private static void Walk(DirectoryInfo directory, string root, List<SubmittedNotebook> notebooks)
    {
        foreach (FileSystemInfo entry in directory.EnumerateFileSystemInfos())
        {
            string relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            bool notebook = entry.Name.EndsWith(".ipynb", StringComparison.Ordinal);
            if (entry.LinkTarget is not null)
            {
                if (notebook || entry is DirectoryInfo)
                {
                    notebooks.Add(new SubmittedNotebook(relative, null, "a symbolic link, not a file of the submission: it was not followed", Refused: true));
                }
            }
            else if (entry is DirectoryInfo sub)
            {
                if (sub.Name != ".ipynb_checkpoints")
                {
                    Walk(sub, root, notebooks);
                }
            }
            else if (notebook && entry is FileInfo file)
            {
                notebooks.Add(file.Length == 0
                    ? new SubmittedNotebook(relative, null, "empty, or not a regular file (a pipe or a device)", Refused: true)
                    : file.Length > MaxNotebookBytes
                        ? new SubmittedNotebook(relative, null, $"{file.Length >> 20} MiB, over the {MaxNotebookBytes >> 20} MiB limit", Refused: true)
                        : ReadNotebook(root, relative));
            }
        }
    }

    /// <summary>
    /// Finds the exercise cell of <paramref name="exercise"/>: code cells whose metadata carries its id first, else code
    /// cells whose first line is its marker (<c>// Exercise 4.1a: ...</c>). Of several, the last one is graded and a
    /// note says so. Check cells and every other cell are ignored.
    /// </summary>
    public CellLookup Find(Exercise exercise)
    {
        var byMetadata = new List<(string Where, string Code)>();
        var byMarker = new List<(string Where, string Code)>();
        foreach (SubmittedNotebook notebook in Notebooks.Where(n => n.Document is not null))
        {
            IList<InteractiveDocumentElement> cells = notebook.Document!.Elements;
            for (int c = 0; c < cells.Count; c++)
            {
                InteractiveDocumentElement cell = cells[c];
                if (cell.KernelName is "markdown" or "md")
                {
                    continue;
                }

                string code = cell.Contents ?? "";
                string where = $"{notebook.RelativePath} cell {c + 1}";
                if (MetadataId(cell) == exercise.Id)
                {
                    byMetadata.Add((where, code));
                }
                else if (ExerciseCells.MarkerId(code.Split('\n')[0]) == exercise.Id)
                {
                    byMarker.Add((where, code));
                }
            }
        }

        var found = byMetadata.Count > 0 ? byMetadata : byMarker;
        if (found.Count > 0)
        {
            var notes = new List<string>();
            if (found.Count > 1)
            {
                notes.Add($"exercise cell {exercise.Id} appears {found.Count} times ({string.Join(", ", found.Select(f => f.Where))}); graded the last one ({found[^1].Where}).");
            }

            return new CellLookup(found[^1].Code, "", null, notes);
        }

        var home = Notebooks.Where(n => Path.GetFileName(n.RelativePath).StartsWith(exercise.Notebook, StringComparison.Ordinal)).ToList();
        var broken = home.FirstOrDefault(n => n.Error is not null);
        if (broken is { Refused: true })
        {
            return new CellLookup(null, GradeStatus.RefusedFile, $"exercise cell {exercise.Id} not found: notebook {broken.RelativePath} was refused ({broken.Error}).", []);
        }

        if (broken is not null)
        {
            return new CellLookup(null, GradeStatus.UnreadableNotebook, $"exercise cell {exercise.Id} not found: notebook {broken.RelativePath} could not be read ({broken.Error}).", []);
        }

        string where2 = home.Count == 0 ? $" (no notebook {exercise.Notebook}*.ipynb in the submission)" : $" in {string.Join(", ", home.Select(h => h.RelativePath))}";
        return new CellLookup(null, GradeStatus.NotFound, $"exercise cell {exercise.Id} not found{where2}: keep the cell's first line '{ExerciseCells.Marker(exercise)}'.", []);
    }

    private static string? MetadataId(InteractiveDocumentElement cell)
    {
        if (cell.Metadata is null || !cell.Metadata.TryGetValue(ExerciseCells.MetadataKey, out object? course))
        {
            return null;
        }

        object? id = course switch
        {
            IDictionary<string, object> d when d.TryGetValue(ExerciseCells.ExerciseKey, out object? v) => v,
            JsonElement { ValueKind: JsonValueKind.Object } e when e.TryGetProperty(ExerciseCells.ExerciseKey, out JsonElement v) => v,
            _ => null,
        };
        return id switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
    }

    private static SubmittedNotebook ReadNotebook(string folder, string relative)
    {
        try
        {
            string json = File.ReadAllText(Path.Combine(folder, relative));
            return new SubmittedNotebook(relative, Notebook.Parse(json, Kernels), null);
        }
        catch (Exception e)
        {
            string message = e.Message.Split('\n')[0];
            return new SubmittedNotebook(relative, null, $"{(e is JsonException ? "invalid JSON" : e.GetType().Name)}: {message}");
        }
    }
}
