using System.Reflection;
using Attention;
using Course.Grading;

namespace Grading.Tests;

/// <summary>
/// Every exercise, in this process: the reference answer (compiled from its C# text the way the grader compiles a
/// cell) earns full points, and the shipped stub prints "not attempted", no ✓/✗ lines, and earns zero.
/// </summary>
[Collection("console")]
public class ExerciseTests
{
    public static TheoryData<string> Ids => [.. Exercises.All.Select(e => e.Id)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Reference_answer_earns_full_points(string id)
    {
        Exercise exercise = Exercises.Get(id);
        (ExerciseReport report, string printed) = Check(exercise, Course.Solutions.ReferenceAnswers.Cell(id));

        Assert.True(report.Score == exercise.Points, printed);
        string[] caseLines = CaseLines(printed);
        Assert.Equal(exercise.CaseNames.Count, caseLines.Length);
        Assert.All(caseLines, l => Assert.StartsWith("✓", l));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Shipped_stub_earns_zero_and_prints_not_attempted(string id)
    {
        (ExerciseReport report, string printed) = Check(Exercises.Get(id), ExerciseCells.StubCell(Exercises.Get(id)));

        Assert.Equal(0, report.Score);
        Assert.True(report.NotAttempted, printed);
        Assert.Contains("not attempted", printed, StringComparison.Ordinal);
        Assert.Empty(CaseLines(printed));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Cells_carry_the_marker_metadata_and_check_call(string id)
    {
        Exercise exercise = Exercises.Get(id);
        string stub = ExerciseCells.StubCell(Exercises.Get(id));

        Assert.Equal(id, ExerciseCells.MarkerId(stub.Split('\n')[0]));
        Assert.StartsWith($"// Exercise {id}: ", stub, StringComparison.Ordinal);
        Assert.Contains(exercise.Signature, stub, StringComparison.Ordinal);
        Assert.Contains("throw new NotImplementedException();", stub, StringComparison.Ordinal);
        Assert.Equal($"Exercises.Check(\"{id}\", {exercise.FunctionName});", ExerciseCells.CheckCell(Exercises.Get(id)));
        var course = Assert.IsType<Dictionary<string, object>>(ExerciseCells.Metadata(Exercises.Get(id))[ExerciseCells.MetadataKey]);
        Assert.Equal(id, course[ExerciseCells.ExerciseKey]);
    }

    [Fact]
    public void A_function_with_the_wrong_signature_prints_a_cross_and_does_not_throw()
    {
        Func<int, int> wrong = x => x;
        var output = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(output);
        try
        {
            ExerciseReport report = Exercises.Check("4.2a", wrong);
            Assert.Equal(0, report.Score);
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Single(CaseLines(output.ToString()));
        Assert.Contains("expects a function Tensor HeadWeights(Tensor Q, Tensor K)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_answer_gets_a_message_per_failed_case()
    {
        // Weights normalised over queries instead of keys: right shape, wrong values, rows not summing to one.
        Func<Tensor, Tensor, Tensor> overQueries = (Q, K) =>
        {
            int n = Q.Dim(0), S = K.Dim(0);
            float scale = 1f / MathF.Sqrt(Q.Dim(1));
            var w = new Tensor(n, S);
            for (int j = 0; j < S; j++)
            {
                var column = new float[n];
                for (int i = 0; i < n; i++)
                {
                    column[i] = MathF.Exp(scale * System.Numerics.Tensors.TensorPrimitives.Dot(Q.Row(i), K.Row(j)));
                }

                float sum = column.Sum();
                for (int i = 0; i < n; i++)
                {
                    w[i, j] = column[i] / sum;
                }
            }

            return w;
        };

        ExerciseReport report = Exercises.Get("4.2a").Run(overQueries);

        Assert.Equal(0, report.PassedCount);
        Assert.Contains(report.Cases, c => c.Message.Contains("max abs error", StringComparison.Ordinal) && c.Message.Contains("Hint:", StringComparison.Ordinal));
        Assert.Contains(report.Cases, c => c.Message.Contains("sums to", StringComparison.Ordinal));
    }

    [Fact]
    public void The_notebook_check_refuses_a_same_purpose_library_call_and_forbidden_APIs_in_compiled_code()
    {
        ExerciseReport library = Exercises.Get("4.1a").Run((Func<Tensor, int, Tensor>)((qkv, heads) => Heads.Split(qkv, heads)));
        Assert.Equal(0, library.Score);
        Assert.Contains("Attention.Heads.Split does this exercise's job in one call", library.Problem, StringComparison.Ordinal);

        // Reached through a helper of the submission, not in the function itself.
        static int Helper() => System.IO.File.Exists("/etc/hostname") ? 1 : 0;
        static int[] Right(int n, int kv, int devices, int device)
        {
            if (n <= 0 || kv <= 0 || devices <= 0 || n % kv != 0 || n % devices != 0 || device < 0 || device >= devices)
            {
                throw new ArgumentException("cannot split");
            }

            int group = n / kv, shard = n / devices, first = device * shard / group, last = (((device + 1) * shard) - 1) / group;
            return [.. Enumerable.Range(first, last - first + 1)];
        }

        ExerciseReport files = Exercises.Get("4.5a").Run((Func<int, int, int, int, int[]>)((n, kv, p, r) => Helper() > 2 ? [] : Right(n, kv, p, r)));
        Assert.Contains("System.IO.File.Exists is not allowed in an exercise (not in the table of allowed APIs", files.Problem, StringComparison.Ordinal);

        ExerciseReport reflection = Exercises.Get("4.5a").Run((Func<int, int, int, int, int[]>)((n, kv, p, r) => typeof(Tensor).GetMethods().Length > 0 ? Right(n, kv, p, r) : []));
        Assert.Contains("System.Type.GetTypeFromHandle is not allowed in an exercise", reflection.Problem, StringComparison.Ordinal);

        // The same function without the forbidden part passes.
        Assert.Equal(Exercises.Get("4.5a").Points, Exercises.Get("4.5a").Run((Func<int, int, int, int, int[]>)Right).Score);
    }

    [Fact]
    public void A_hint_shared_by_failed_cases_is_printed_once_after_them()
    {
        Exercise exercise = Exercises.Get("4.2a");
        var report = new ExerciseReport(exercise,
        [
            new CaseResult("a", false, "expected 1, got 2. Hint: look at the scale."),
            new CaseResult("b", false, "expected 3, got 4. Hint: look at the scale."),
            CaseResult.Pass("c"),
            new CaseResult("d", false, "rows sum to 2. Hint: normalise each row."),
        ]);
        string text = report.ToText();

        Assert.Contains("✗ a: expected 1, got 2.\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(1, text.Split("Hint: look at the scale.").Length - 1);
        Assert.Equal(1, text.Split("Hint: normalise each row.").Length - 1);
        Assert.True(text.IndexOf("Hint:", StringComparison.Ordinal) > text.IndexOf("✗ d", StringComparison.Ordinal), text);
    }

    [Fact]
    public void The_packed_key_exercise_is_judged_by_what_the_heads_do()
    {
        Exercise packed = Exercises.Get("4.5d");
        // One-hot positions in the key: the previous-token head works only while positions fit in d_k, so it fails.
        ExerciseReport oneHot = packed.Run((Func<int[], int, int, Tensor>)((tokens, vocab, dK) =>
        {
            var t = new Tensor(3, tokens.Length, dK);
            for (int j = 0; j < tokens.Length; j++)
            {
                if (j < dK)
                {
                    t[0, j, j] = 1;
                }

                if (j >= 1 && j - 1 < dK)
                {
                    t[1, j, j - 1] = 100;
                }
            }

            return t;
        }));
        // Even where d_k = 6 ≥ n = 6 leaves room for one-hot positions, a same-token head of zero queries spreads its weight.
        Assert.All(oneHot.Cases, c => Assert.False(c.Passed));
        Assert.Contains("previous-token score", oneHot.Cases[0].Message, StringComparison.Ordinal);
        // The construction the old check accepted: a same-token head that reads only the token ties its own key with
        // earlier copies, so it puts half or more of its weight on itself. It carries no information and fails every case.
        ExerciseReport readsItself = packed.Run((Func<int[], int, int, Tensor>)((tokens, vocab, dK) =>
        {
            int n = tokens.Length;
            var t = new Tensor(3, n, dK);
            float gain = 10 * MathF.Sqrt(dK), tokenGain = vocab > 1 ? gain / (1 - MathF.Cos(2 * MathF.PI / vocab)) : gain;
            for (int j = 0; j < n; j++)
            {
                float theta = 2 * MathF.PI * tokens[j] / vocab;
                (t[0, j, 0], t[0, j, 1], t[0, j, 2], t[0, j, 3]) = (j, j * j, MathF.Cos(theta), MathF.Sin(theta));
                (t[1, j, 0], t[1, j, 1]) = (gain * 2 * (j - 1), -gain);
                (t[2, j, 2], t[2, j, 3]) = (tokenGain * MathF.Cos(theta), tokenGain * MathF.Sin(theta));
            }

            return t;
        }));
        Assert.All(readsItself.Cases, c => Assert.Contains("same-token score", c.Message ?? "", StringComparison.Ordinal));
        Assert.Contains("[3, 10, 4]", packed.Run((Func<int[], int, int, Tensor>)((tokens, vocab, dK) => new Tensor(2, tokens.Length, dK))).Cases[0].Message, StringComparison.Ordinal);
    }

    internal static (ExerciseReport Report, string Printed) Check(Exercise exercise, string cell)
    {
        CompiledCell compiled = ScriptCompiler.Compile(exercise, cell, "test_" + Guid.NewGuid().ToString("N"), TimeSpan.FromMinutes(2));
        Assert.True(compiled.Assembly is not null, string.Join("\n", compiled.Errors));
        Delegate solution = Course.Grader.Worker.Worker.Solution(Assembly.Load(compiled.Assembly!), compiled.EntryType, compiled.EntryMethod);
        var output = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(output);
        try
        {
            return (Exercises.Check(exercise.Id, solution), output.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    private static string[] CaseLines(string printed) =>
        printed.Split('\n').Where(l => l.StartsWith('✓') || l.StartsWith('✗')).ToArray();
}
