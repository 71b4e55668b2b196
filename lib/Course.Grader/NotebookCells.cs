using Attention;
using Attention.Exercises;
using Course.Grading;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Course.Grader;

/// <summary>
/// Notebook cells of exercises, from the one definition in <see cref="Exercises"/>: whoever writes a notebook inserts
/// <see cref="ExerciseAndCheck"/> for each exercise id, and sample submissions are written the same way.
/// </summary>
public static class NotebookCells
{
    /// <summary>The exercise cell: metadata {"course": {"exercise": id}}, marker line, and <paramref name="code"/> (default: the stub).</summary>
    public static InteractiveDocumentElement Exercise(string id, string? code = null)
    {
        string contents = code is null ? ExerciseCells.StubCell(Exercises.Get(id)) : ExerciseCells.Cell(Exercises.Get(id), code);
        return new InteractiveDocumentElement(contents, "csharp") { Metadata = ExerciseCells.Metadata(Exercises.Get(id)) };
    }

    /// <summary>The check cell that follows an exercise cell.</summary>
    public static InteractiveDocumentElement Check(string id) => new(ExerciseCells.CheckCell(Exercises.Get(id)), "csharp");

    /// <summary>The exercise cell followed by its check cell.</summary>
    public static IEnumerable<InteractiveDocumentElement> ExerciseAndCheck(string id, string? code = null) =>
        [Exercise(id, code), Check(id)];

    /// <summary>
    /// A notebook holding every exercise of <paramref name="notebook"/> (e.g. "04.2"), after a setup cell; each exercise
    /// cell holds <paramref name="code"/>'s answer (null → the stub).
    /// </summary>
    public static InteractiveDocument ExerciseNotebook(string notebook, Func<Exercise, string?> code)
    {
        var document = new InteractiveDocument
        {
            new InteractiveDocumentElement($"# Exercises of notebook {notebook}", "markdown"),
            new InteractiveDocumentElement("#r \"../lib/Course.Grading/bin/Debug/net10.0/Course.Grading.dll\"\n#r \"../lib/Attention.Exercises/bin/Debug/net10.0/Attention.Exercises.dll\"\n" + ExerciseCells.SetupUsings + "using Course.Grading;\nusing Attention.Exercises;\n", "csharp"),
        };
        foreach (Exercise e in Exercises.All.Where(e => e.Notebook == notebook))
        {
            foreach (InteractiveDocumentElement cell in ExerciseAndCheck(e.Id, code(e)))
            {
                document.Add(cell);
            }
        }

        return document;
    }

    /// <summary>Writes <paramref name="document"/> as a Jupyter notebook (.ipynb) with C# as the default kernel.</summary>
    public static void Write(InteractiveDocument document, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, document.ToJupyterJson("csharp"));
    }

    /// <summary>
    /// Writes a submission folder with one notebook per exercise notebook, named "{notebook}-exercises.ipynb",
    /// each exercise answered by <paramref name="code"/> (null → the stub).
    /// </summary>
    public static void WriteSubmission(string folder, Func<Exercise, string?> code)
    {
        foreach (string notebook in Exercises.All.Select(e => e.Notebook).Distinct())
        {
            Write(ExerciseNotebook(notebook, code), Path.Combine(folder, $"{notebook}-exercises.ipynb"));
        }
    }
}
