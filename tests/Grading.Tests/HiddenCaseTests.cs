using System.Reflection;
using System.Text;
using Attention;
using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// Hidden cases: drawn fresh per grading run, judged against the reference answers on the instructor's side. The
/// reference passes them whatever the seed; a table of the practice cases' answers passes every practice case and loses
/// the hidden one; the sample class grades the same with two different seeds.
/// </summary>
public class HiddenCaseTests
{
    public static TheoryData<string> WithHiddenCases()
    {
        var data = new TheoryData<string>();
        foreach (string id in HiddenArguments.Exercises.Order(StringComparer.Ordinal))
        {
            data.Add(id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WithHiddenCases))]
    public void The_reference_answer_passes_the_hidden_case_for_any_seed_and_the_draws_change_with_the_seed(string id)
    {
        Exercise exercise = Exercises.Get(id);
        Delegate reference = Compile(exercise, ReferenceAnswers.Code(id));
        foreach (int seed in (int[])[1, 2, 12345])
        {
            GradedCase hidden = HiddenCases.For(exercise, seed)!;
            CaseResult result = hidden.Judge([.. hidden.Calls().Select(a => CallOutcome.Invoke(reference, a))]);
            Assert.True(result.Passed, $"{id}, seed {seed}: {result.Message}");
        }

        string Draws(int seed) => string.Join(";", HiddenArguments.For(id, seed)!.Select(a => string.Join(",", a.Select(v => v is Tensor t ? string.Join(" ", t.Data.Take(3)) : v is Array arr ? string.Join(" ", arr.Cast<object>()) : v))));
        Assert.Equal(Draws(7), Draws(7));
        Assert.NotEqual(Draws(7), Draws(8));
    }

    [Fact]
    public void A_recorded_seed_draws_the_same_arguments_in_any_process()
    {
        // Pinned from one run: a per-process hash (HashCode.Combine) in the draw would change this in every process, and
        // `--seed N` would no longer repeat a grading run.
        string drawn = string.Join(";", HiddenArguments.For("4.5a", 7)!.Skip(6).Take(4).Select(a => string.Join(",", a)));
        Assert.Equal("12,6,2,0;8,4,4,3;42,7,1,0;21,7,7,5", drawn);
    }

    [Fact]
    public void Every_exercise_has_a_hidden_case()
    {
        string[] without = [.. Exercises.All.Select(e => e.Id).Where(id => !HiddenArguments.Exercises.Contains(id))];
        Assert.True(without.Length == 0, "no hidden case: " + string.Join(", ", without));
    }

    [Fact]
    public async Task A_lookup_table_of_the_practice_answers_passes_every_practice_case_and_loses_the_hidden_one()
    {
        // The memorizing student's cell: the practice calls' answers (here from the reference; a student would print them
        // from the notebook), and anything for other inputs.
        Exercise exercise = Exercises.Get("4.5a");
        Delegate reference = Compile(exercise, ReferenceAnswers.Code("4.5a"));
        var table = new StringBuilder("int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device) => (nHeads, nKvHeads, devices, device) switch\n{\n");
        foreach (object?[] call in exercise.Cases.Where(c => !c.BadInput).SelectMany(c => c.Calls()))
        {
            table.Append($"    ({call[0]}, {call[1]}, {call[2]}, {call[3]}) => [{string.Join(", ", (int[])reference.DynamicInvoke(call)!)}],\n");
        }

        table.Append("    _ => throw new ArgumentException(\"not in the table\"),\n};\n");
        string root = Directory.CreateTempSubdirectory("course-lookup-").FullName;
        NotebookCells.WriteSubmission(root, e => e.Id == "4.5a" ? table.ToString() : null);
        StudentResult result = await ClassGrader.GradeStudentAsync(root, GradedClass.Options).WaitAsync(TimeSpan.FromMinutes(3));
        ExerciseGrade grade = result.Grades.Single(g => g.ExerciseId == "4.5a");

        int practice = exercise.Cases.Count;
        Assert.Contains($"({practice}/{practice + 1} cases)", grade.Feedback, StringComparison.Ordinal);
        Assert.Contains("✗ hidden:", grade.Feedback, StringComparison.Ordinal);
        Assert.True(grade.Points <= grade.Max / 3, grade.Feedback);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task The_sample_class_grades_the_same_with_another_seed()
    {
        // GradedClass graded with this process's seed (its gradebook test compares it with the expected one); this is another.
        IReadOnlyList<StudentResult> first = await GradedClass.GetAsync();
        GradingOptions other = GradedClass.Options with { HiddenSeed = GradedClass.Options.HiddenSeed ^ 0x5A5A5A5 };
        IReadOnlyList<StudentResult> second = await ClassGrader.GradeClassAsync(GradedClass.Submissions, other,
            Directory.CreateTempSubdirectory("course-second-seed-").FullName).WaitAsync(TimeSpan.FromMinutes(4));
        Assert.Equal(GradeReports.Gradebook(first), GradeReports.Gradebook(second));
    }

    internal static Delegate Compile(Exercise exercise, string code)
    {
        CompiledCell compiled = ScriptCompiler.Compile(exercise, code, "cell_hidden_" + Guid.NewGuid().ToString("N"), TimeSpan.FromMinutes(1), allowLibrary: true, checkRules: false);
        Assert.True(compiled.Assembly is not null, string.Join("\n", compiled.Errors));
        return Course.Grader.Worker.Worker.Solution(Assembly.Load(compiled.Assembly!), compiled.EntryType, compiled.EntryMethod);
    }
}
