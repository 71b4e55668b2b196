using System.Text.Json;
using Attention;
using Course.Grading;

namespace Grading.Tests;

/// <summary>
/// Grades the class once (the sample class, or COURSE_SUBMISSIONS) and checks the outputs. For the sample class the
/// gradebook must equal the checked-in SampleClass/expected-gradebook.csv exactly, and each hostile case must be
/// explained in the student's feedback.
/// </summary>
public class ClassGradingTests
{
    [Fact]
    public async Task Gradebook_has_a_row_per_student_and_exercise_and_matches_the_expected_one()
    {
        IReadOnlyList<StudentResult> results = await GradedClass.GetAsync();
        string gradebook = File.ReadAllText(Path.Combine(GradedClass.Output, "gradebook.csv"));

        string[] rows = gradebook.TrimEnd('\n').Split('\n');
        Assert.Equal(1 + (GradedClass.Students().Count * GradedClass.GradedExercises.Count), rows.Length);
        if (GradedClass.IsSampleClass)
        {
            Assert.Equal(File.ReadAllText(SampleClass.ExpectedGradebook).ReplaceLineEndings("\n"), gradebook);
        }

        Assert.Equal(GradedClass.Students(), results.Select(r => r.Student));
    }

    [Fact]
    public async Task The_LMS_csv_has_a_row_per_student_a_column_per_exercise_and_the_total()
    {
        IReadOnlyList<StudentResult> results = await GradedClass.GetAsync();
        string[] rows = File.ReadAllText(Path.Combine(GradedClass.Output, "lms.csv")).TrimEnd('\n').Split('\n');

        Assert.Equal(results.Count + 1, rows.Length);
        Assert.Equal(GradedClass.GradedExercises.Count + 2, rows[0].Split(',').Length);
        foreach (StudentResult r in results)
        {
            string[] cells = rows.Single(row => row.StartsWith(r.Student + ",", StringComparison.Ordinal)).Split(',');
            Assert.Equal(r.Score, double.Parse(cells[^1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(r.Score, cells[1..^1].Sum(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture)), 6);
        }
    }

    [Fact]
    public async Task Every_student_gets_feedback_and_a_gradescope_results_json()
    {
        IReadOnlyList<StudentResult> results = await GradedClass.GetAsync();

        foreach (StudentResult student in results)
        {
            Assert.True(File.Exists(Path.Combine(GradedClass.Output, "feedback", student.Student + ".md")));
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(GradedClass.Output, "results", student.Student, "results.json")));
            JsonElement root = json.RootElement;
            Assert.Equal(student.Score, root.GetProperty("score").GetDouble());
            Assert.True(root.GetProperty("execution_time").GetDouble() >= 0);
            Assert.Equal(JsonValueKind.String, root.GetProperty("output").ValueKind);
            JsonElement tests = root.GetProperty("tests");
            Assert.Equal(GradedClass.GradedExercises.Count, tests.GetArrayLength());
            foreach (JsonElement test in tests.EnumerateArray())
            {
                Assert.Equal(JsonValueKind.String, test.GetProperty("name").ValueKind);
                Assert.True(test.GetProperty("score").GetDouble() <= test.GetProperty("max_score").GetDouble());
                Assert.Equal(JsonValueKind.String, test.GetProperty("output").ValueKind);
                Assert.Equal("visible", test.GetProperty("visibility").GetString());
            }
        }
    }

    [Theory]
    [InlineData("infinite-loop", "4.2a", "stopped after")]
    [InlineData("stack-overflow", "4.2a", "stack overflow")]
    [InlineData("environment-exit", "4.2a", "System.Environment.Exit is not allowed in an exercise")]
    [InlineData("huge-allocation", "4.2a", "memory")]
    [InlineData("throws-exception", "4.2a", "threw InvalidOperationException: I do not know how to scale")]
    [InlineData("compile-error", "4.2a", "line 5: CS1002: ; expected")]
    [InlineData("wrong-shapes", "4.2a", "expected shape [3, 6], got [6, 3]")]
    [InlineData("nan-results", "4.2a", "result has NaN at [0, 0]")]
    [InlineData("leftover-test-calls", "4.2a", "line 19, 20 ignored")]



    [InlineData("duplicated-cell", "4.2a", "appears 2 times")]
    [InlineData("deleted-cell", "4.2a", "exercise cell 4.2a not found")]
    [InlineData("renamed-cell", "4.2a", "exercise cell 4.2a not found")]
    [InlineData("malformed-json", "4.2a", "could not be read (invalid JSON")]
    [InlineData("missing-notebook", "4.2b", "no notebook 04.2*.ipynb")]
    [InlineData("empty-folder", "4.5a", "exercise cell 4.5a not found")]
    [InlineData("cheat-reflection", "4.2a", "System.Reflection.Assembly is not allowed in an exercise (not in the table of allowed APIs")]
    [InlineData("cheat-compile-reference", "4.2b", "System.IO.Path.GetDirectoryName is not allowed in an exercise (not in the table of allowed APIs")]
    [InlineData("cheat-forged-result", "4.3a", "System.IO.File.WriteAllBytes is not allowed in an exercise (not in the table of allowed APIs")]
    [InlineData("cheat-other-exercises", "4.1a", "System.Threading.Thread.Start is not allowed in an exercise (not in the table of allowed APIs")]
    [InlineData("cheat-delete-classmate", "4.4a", "is not allowed in an exercise (not in the table of allowed APIs")]
    [InlineData("cheat-outlive-grader", "4.5a", "System.Diagnostics.Process.Start is not allowed in an exercise (not in the table of allowed APIs")]
    [InlineData("cheat-library-call", "4.1a", "Attention.Heads.Split does this exercise's job in one call: write it yourself")]
    public async Task Feedback_says_why_a_hostile_submission_lost_points(string student, string id, string reason)
    {
        if (!GradedClass.IsSampleClass)
        {
            return; // These students exist only in the sample class.
        }

        IReadOnlyList<StudentResult> results = await GradedClass.GetAsync();
        ExerciseGrade grade = results.Single(r => r.Student == student).Grades.Single(g => g.ExerciseId == id);

        Assert.Contains(reason, grade.Feedback, StringComparison.Ordinal);
        Assert.Contains(reason, File.ReadAllText(Path.Combine(GradedClass.Output, "feedback", student + ".md")), StringComparison.Ordinal);
    }
}
