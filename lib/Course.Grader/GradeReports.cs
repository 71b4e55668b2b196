using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Attention;
using Attention.Exercises;
using Course.Grading;

namespace Course.Grader;

/// <summary>
/// Writes the outputs of a grading run into one folder: gradebook.csv (student, exercise, points, max, status), lms.csv,
/// feedback/&lt;student&gt;.md, and results/&lt;student&gt;/results.json in Gradescope's format.
/// </summary>
public static class GradeReports
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes all outputs for <paramref name="results"/> under <paramref name="outputFolder"/>.</summary>
    public static void Write(string outputFolder, IReadOnlyList<StudentResult> results)
    {
        Directory.CreateDirectory(outputFolder);
        // Without namespaces the worker is not locked in: whoever reads the gradebook must know, on its first line.
        string warning = Sandbox.Isolated ? "" : $"# WARNING: graded without namespaces ({Sandbox.Description})\n";
        File.WriteAllText(Path.Combine(outputFolder, "gradebook.csv"), warning + Gradebook(results));
        File.WriteAllText(Path.Combine(outputFolder, "lms.csv"), LmsCsv(results));
        Directory.CreateDirectory(Path.Combine(outputFolder, "feedback"));
        foreach (StudentResult student in results)
        {
            // Each student's files inside their own boundary: one that cannot be written never stops the others'.
            try
            {
                File.WriteAllText(Path.Combine(outputFolder, "feedback", student.Student + ".md"), Feedback(student));
                string dir = Path.Combine(outputFolder, "results", student.Student);
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "results.json"), GradescopeJson(student));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"could not write the reports of {student.Student}: {e.Message}");
            }
        }
    }

    /// <summary>The gradebook CSV: a header and one row per student and exercise, in student then course order.</summary>
    public static string Gradebook(IEnumerable<StudentResult> results)
    {
        var csv = new StringBuilder("student,exercise,points,max,status\n");
        foreach (ExerciseGrade g in results.SelectMany(r => r.Grades))
        {
            csv.Append(Csv(g.Student)).Append(',').Append(g.ExerciseId).Append(',')
                .Append(ExerciseReport.Format(g.Points)).Append(',').Append(ExerciseReport.Format(g.Max)).Append(',')
                .Append(g.Status).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>
    /// The CSV an LMS imports (Canvas, Moodle, Blackboard all take this shape): one row per student, one column per
    /// exercise (its points), then the total.
    /// </summary>
    public static string LmsCsv(IEnumerable<StudentResult> results)
    {
        // The columns are the graded exercises (an assignment's, or the whole course's): every student has the same ones.
        StudentResult[] rows = [.. results];
        Exercise[] graded = rows.Length == 0 ? [.. Exercises.All] : [.. rows[0].Grades.Select(g => Exercises.Get(g.ExerciseId))];
        var csv = new StringBuilder("student," + string.Join(',', graded.Select(e => $"{e.Id} ({ExerciseReport.Format(e.Points)})")) + $",total ({ExerciseReport.Format(graded.Sum(e => e.Points))})\n");
        foreach (StudentResult r in rows)
        {
            csv.Append(Csv(r.Student));
            foreach (Exercise e in graded)
            {
                csv.Append(',').Append(ExerciseReport.Format(r.Grades.Single(g => g.ExerciseId == e.Id).Points));
            }

            csv.Append(',').Append(ExerciseReport.Format(r.Score)).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>The feedback Markdown of one student.</summary>
    public static string Feedback(StudentResult student)
    {
        double max = student.Grades.Sum(g => g.Max);
        var md = new StringBuilder($"# Feedback for {student.Student}\n\nScore: {ExerciseReport.Format(student.Score)} / {ExerciseReport.Format(max)}\n\n");
        foreach (string note in student.Notes)
        {
            md.Append($"- {note}\n");
        }

        md.Append("\n| exercise | points | status |\n|---|---|---|\n");
        foreach (ExerciseGrade g in student.Grades)
        {
            md.Append($"| {g.ExerciseId} {Exercises.Get(g.ExerciseId).Title} | {ExerciseReport.Format(g.Points)} / {ExerciseReport.Format(g.Max)} | {g.Status} |\n");
        }

        foreach (ExerciseGrade g in student.Grades)
        {
            md.Append($"\n## {g.ExerciseId} {Exercises.Get(g.ExerciseId).Title}: {ExerciseReport.Format(g.Points)} / {ExerciseReport.Format(g.Max)} ({g.Status})\n\n```text\n{g.Feedback.TrimEnd()}\n```\n");
        }

        return md.ToString();
    }

    /// <summary>Gradescope's results.json: {score, execution_time, output, tests: [{name, score, max_score, output, visibility}]}.</summary>
    public static string GradescopeJson(StudentResult student)
    {
        var results = new GradescopeResults(
            student.Score,
            Math.Round(student.Elapsed.TotalSeconds, 2),
            student.Notes.Count == 0 ? $"Graded {student.Grades.Count} exercises." : string.Join("\n", student.Notes),
            [.. student.Grades.Select(g => new GradescopeTest(
                $"{g.ExerciseId} {Exercises.Get(g.ExerciseId).Title}", g.Points, g.Max, $"[{g.Status}] {g.Feedback.TrimEnd()}", "visible"))]);
        return JsonSerializer.Serialize(results, Json);
    }

    private static string Csv(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record GradescopeResults(
        [property: JsonPropertyName("score")] double Score,
        [property: JsonPropertyName("execution_time")] double ExecutionTime,
        [property: JsonPropertyName("output")] string Output,
        [property: JsonPropertyName("tests")] IReadOnlyList<GradescopeTest> Tests);

    private sealed record GradescopeTest(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("score")] double Score,
        [property: JsonPropertyName("max_score")] double MaxScore,
        [property: JsonPropertyName("output")] string Output,
        [property: JsonPropertyName("visibility")] string Visibility);
}
