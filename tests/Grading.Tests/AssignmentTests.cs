using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// Assignment files: what they select, what they refuse, and a class graded on a two-notebook assignment whose grades,
/// totals and LMS file cover exactly that assignment.
/// </summary>
public class AssignmentTests
{
    [Fact]
    public void Notebooks_and_single_exercises_select_their_exercises_in_course_order()
    {
        Assignment a = Assignment.Parse("""{ "name": "Week 6", "exercises": ["6.4a"], "notebooks": ["06.1"], "due": "2027-02-01" }""", Exercises.All);
        Assert.Equal(["6.1a", "6.1b", "6.4a"], a.Exercises.Select(e => e.Id));
        Assert.Equal(Exercises.Get("6.1a").Points + Exercises.Get("6.1b").Points + Exercises.Get("6.4a").Points, a.Points);
        Assert.Equal(new DateOnly(2027, 2, 1), a.Due);
        Assert.Equal(Exercises.All.Count, Assignment.WholeCourse(Exercises.All).Exercises.Count);
    }

    [Theory]
    [InlineData("""{ "name": "x", "exercises": ["9.9z"] }""", "there is no exercise \"9.9z\"; the exercises are 4.1a")]
    [InlineData("""{ "name": "x", "notebooks": ["09.1"] }""", "notebook \"09.1\" has no exercises")]
    [InlineData("""{ "exercises": ["4.1a"] }""", "it needs a \"name\"")]
    [InlineData("""{ "name": "x" }""", "it lists no \"notebooks\" and no \"exercises\"")]
    [InlineData("""{ "name": "x", "exercises": ["4.1a"], "due": "next week" }""", "is not an assignment file")]
    [InlineData("""{ "name": "x", "exercises": [4] }""", "is not an assignment file")]
    public void A_file_that_is_not_an_assignment_is_refused_with_what_is_wrong(string json, string message)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("course-assignment-").FullName, "a.json");
        File.WriteAllText(file, json);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Assignment.Load(file, Exercises.All));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shipped_assignment_file_loads()
    {
        string folder = Path.Combine(GradedClass.RepositoryRoot(), "assignments");
        Assert.NotEmpty(Directory.EnumerateFiles(folder, "*.json"));
        foreach (string file in Directory.EnumerateFiles(folder, "*.json"))
        {
            Assert.NotEmpty(Assignment.Load(file, Exercises.All).Exercises);
        }
    }

    [Fact]
    public async Task A_class_graded_on_an_assignment_gets_totals_out_of_that_assignment()
    {
        Assignment week5 = Assignment.Load(Path.Combine(GradedClass.RepositoryRoot(), "assignments", "week5-decoding.json"), Exercises.All);
        string root = Directory.CreateTempSubdirectory("course-assignment-class-").FullName;
        string submissions = Path.Combine(root, "class");
        NotebookCells.WriteSubmission(Path.Combine(submissions, "ada"), e => ReferenceAnswers.Code(e.Id));
        NotebookCells.WriteSubmission(Path.Combine(submissions, "ben"), e => e.Notebook == "05.1" ? ReferenceAnswers.Code(e.Id) : null);
        NotebookCells.WriteSubmission(Path.Combine(submissions, "cy"), _ => null);

        IReadOnlyList<StudentResult> results = await ClassGrader.GradeClassAsync(submissions, GradedClass.Options with { Assignment = week5 })
            .WaitAsync(TimeSpan.FromMinutes(4));

        Assert.All(results, r => Assert.Equal(week5.Exercises.Select(e => e.Id), r.Grades.Select(g => g.ExerciseId)));
        Assert.Equal([week5.Points, Exercises.All.Where(e => e.Notebook == "05.1").Sum(e => e.Points), 0], results.Select(r => r.Score));
        string[] lms = GradeReports.LmsCsv(results).TrimEnd('\n').Split('\n');
        Assert.EndsWith($",total ({ExerciseReport.Format(week5.Points)})", lms[0], StringComparison.Ordinal);
        Assert.Equal(week5.Exercises.Count + 2, lms[0].Split(',').Length);
        Assert.DoesNotContain("4.1a", GradeReports.Feedback(results[2]), StringComparison.Ordinal);
        Directory.Delete(root, recursive: true);
    }
}
