using System.Collections.Concurrent;
using System.Reflection;
using Attention;
using Course.Grading;
using Course.Solutions;

namespace Course.Grader;

/// <summary>
/// The graded cases the notebook does not show: one per exercise that has them, its arguments drawn for this grading run
/// (<see cref="HiddenArguments"/>, from the run's seed) and every call judged against the reference answer, compiled and
/// run here in the grader (trusted code; the student release contains neither). A table of the practice cases'
/// answers earns none of it. A call where the reference rejects its input must be rejected too (an ArgumentException).
/// </summary>
public static class HiddenCases
{
    private static readonly ConcurrentDictionary<string, Lazy<Delegate>> References = new();

    /// <summary>The hidden case of <paramref name="exercise"/> for <paramref name="seed"/>, or null if it has none.</summary>
    public static GradedCase? For(Exercise exercise, int seed)
    {
        ArgumentNullException.ThrowIfNull(exercise);
        IReadOnlyList<object?[]>? drawn = HiddenArguments.For(exercise.Id, seed);
        if (drawn is null)
        {
            return null;
        }

        const string hint = "this case's inputs are drawn fresh for every grading run: check your function on sizes and values the notebook's cases do not use, edge cases included.";
        return new GradedCase(
            $"hidden: {drawn.Count} configurations drawn for this grading run",
            hint,
            () => HiddenArguments.For(exercise.Id, seed)!,
            (fresh, outcomes) =>
            {
                for (int k = 0; k < outcomes.Count; k++)
                {
                    if (Judge(exercise, fresh[k], outcomes[k]) is { } problem)
                    {
                        return $"configuration {k + 1} of {outcomes.Count} ({Describe(HiddenArguments.For(exercise.Id, seed)![k])}): {problem}. Hint: {hint}";
                    }
                }

                return null;
            },
            hidden: true);
    }

    // The reference's outcome on fresh arguments against the student's.
    private static string? Judge(Exercise exercise, object?[] arguments, CallOutcome student)
    {
        if (exercise.Property is { } property)
        {
            return Cases.Unexpected(student, "") is { } failed
                ? failed.TrimEnd(' ', '.').Replace(" Hint: ", "", StringComparison.Ordinal)
                : property(arguments, student.Output);
        }

        CallOutcome expected = CallOutcome.Invoke(Reference(exercise), arguments);
        if (expected.Threw)
        {
            return student.ThrewA<ArgumentException>() ? null
                : student.Threw ? $"threw {student.Thrown[0]}; these inputs should be rejected with an ArgumentException"
                : "returned a value; these inputs should be rejected with an ArgumentException";
        }

        if (Cases.Unexpected(student, "") is { } threw)
        {
            return threw.TrimEnd(' ', '.').Replace(" Hint: ", "", StringComparison.Ordinal);
        }

        return Compare(expected.Output, student.Output) ?? ArgumentsAfter(expected, student);
    }

    // What the call leaves in its inputs counts too: a cache or buffer the reference updates in place must be updated, and
    // an input the reference leaves alone must be left alone.
    private static string? ArgumentsAfter(CallOutcome expected, CallOutcome student)
    {
        for (int a = 0; a < expected.ArgumentsAfter.Count; a++)
        {
            object? want = expected.ArgumentsAfter[a], got = a < student.ArgumentsAfter.Count ? student.ArgumentsAfter[a] : null;
            bool same = want is Tensor w && got is Tensor g && w.Shape.AsSpan().SequenceEqual(g.Shape) && w.Data.AsSpan().SequenceEqual(g.Data);
            if (!same && want is Tensor or Array && Compare(want, got) is { } changed)
            {
                return $"argument {a + 1} after the call: {changed}";
            }
        }

        return null;
    }

    private static string? Compare(object? expected, object? actual) =>
        expected switch
        {
            Tensor t => Cases.CompareTensors(t, actual as Tensor, Cases.Tolerance, actual),
            double d => actual is double g ? Cases.CompareValues(d, g, Cases.Tolerance) : $"returned {Cases.Describe(actual)}; expected a Double",
            int i => actual is int g ? Cases.CompareValues(i, g, 0) : $"returned {Cases.Describe(actual)}; expected an Int32",
            long l => actual is long g ? Cases.CompareValues(l, g, 0) : $"returned {Cases.Describe(actual)}; expected an Int64",
            double[] a => actual is double[] g ? Cases.CompareArrays(a, g, Cases.Tolerance) : $"returned {Cases.Describe(actual)}; expected a Double[]",
            float[] a => actual is float[] g ? Cases.CompareArrays(a, g, Cases.Tolerance) : $"returned {Cases.Describe(actual)}; expected a Single[]",
            int[] a => actual is int[] g ? Cases.CompareArrays(a, g, 0) : $"returned {Cases.Describe(actual)}; expected an Int32[]",
            long[] a => actual is long[] g ? Cases.CompareArrays(a, g, 0) : $"returned {Cases.Describe(actual)}; expected an Int64[]",
            _ => $"the grader cannot compare a {Cases.Describe(expected)}",
        };

    private static Delegate Reference(Exercise exercise) => References.GetOrAdd(exercise.Id, _ => new Lazy<Delegate>(() =>
    {
        CompiledCell compiled = ScriptCompiler.Compile(exercise, ReferenceAnswers.Code(exercise.Id), $"cell_reference_{exercise.Id.Replace('.', '_')}",
            TimeSpan.FromMinutes(2), allowLibrary: true, checkRules: false);
        if (compiled.Assembly is null)
        {
            throw new InvalidOperationException($"the reference answer of {exercise.Id} does not compile: {string.Join("; ", compiled.Errors)}");
        }

        return Course.Grader.Worker.Worker.Solution(Assembly.Load(compiled.Assembly), compiled.EntryType, compiled.EntryMethod);
    })).Value;

    private static string Describe(object?[] arguments) => string.Join(", ", arguments.Select(a => a switch
    {
        Tensor t => t.ShapeText,
        double[] d => $"{d.Length} values",
        int[] i => $"[{string.Join(", ", i)}]",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture),
    }));
}
