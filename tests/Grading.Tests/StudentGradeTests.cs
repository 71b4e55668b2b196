using Attention;
using Course.Grading;

namespace Grading.Tests;

/// <summary>
/// One test result per student and exercise of the graded class. With COURSE_SUBMISSIONS=&lt;folder&gt; a test passes
/// when the student earned full points and fails with the student's feedback otherwise; for the sample class each
/// must equal its row of the expected gradebook.
/// </summary>
public class StudentGradeTests
{
    public static TheoryData<string, string> StudentsAndExercises()
    {
        var data = new TheoryData<string, string>();
        foreach (string student in GradedClass.Students())
        {
            foreach (Exercise e in GradedClass.GradedExercises)
            {
                data.Add(student, e.Id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StudentsAndExercises))]
    public async Task Grade(string student, string exercise)
    {
        IReadOnlyList<StudentResult> results = await GradedClass.GetAsync();
        ExerciseGrade grade = results.Single(r => r.Student == student).Grades.Single(g => g.ExerciseId == exercise);

        if (GradedClass.IsSampleClass)
        {
            string expected = File.ReadLines(SampleClass.ExpectedGradebook).Single(l => l.StartsWith($"{student},{exercise},", StringComparison.Ordinal));
            Assert.True(
                expected == $"{student},{exercise},{ExerciseReport.Format(grade.Points)},{ExerciseReport.Format(grade.Max)},{grade.Status}",
                $"expected {expected}; got {grade.Points}/{grade.Max} {grade.Status}\n{grade.Feedback}");
        }
        else
        {
            // A failed test here is a student who lost points, not a broken build: the message is the feedback, and the
            // reports (gradebook, LMS file, every student's feedback) are in GradedClass.Output.
            Assert.True(grade.Points == grade.Max,
                $"{student} {exercise}: {ExerciseReport.Format(grade.Points)}/{ExerciseReport.Format(grade.Max)} ({grade.Status}) — reports in {GradedClass.Output}\n{grade.Feedback}");
        }
    }
}
