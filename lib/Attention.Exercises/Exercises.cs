using Course.Grading;

namespace Attention.Exercises;

/// <summary>
/// The catalog of graded exercises and the entry point of every notebook check cell:
/// <c>Exercises.Check("4.1a", SplitHeads);</c> runs the same graded cases the instructor's grader runs.
/// </summary>
public static class Exercises
{
    private static readonly Lazy<Exercise[]> Catalog = new(() =>
    {
        // One line per notebook, in course order.
        Exercise[] all =
        [
            .. HeadDimensionsExercises.All,
            .. PerHeadAttentionExercises.All,
            .. MergeHeadsExercises.All,
            .. HeadSpecializationExercises.All,
            .. GroupedQueryExercises.All,
            .. CausalMaskExercises.All,
            .. KvCacheExercises.All,
            .. PrefillDecodeExercises.All,
            .. PositionalEncodingExercises.All,
            .. CrossAttentionExercises.All,
            .. QuadraticCostExercises.All,
            .. MemoryLayoutExercises.All,
            .. FlashAttentionExercises.All,
            .. SparseAttentionExercises.All,
            .. LongContextDiagnosticsExercises.All,
            .. LatentAttentionExercises.All,
            .. StreamingExercises.All,
            .. LengthExercises.All,
            .. ServingExercises.All,
            .. FlashBackwardExercises.All,
        ];
        var duplicate = all.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"exercise id {duplicate.Key} is defined twice.");
        }

        return all;
    });

    /// <summary>Every exercise, in course order.</summary>
    public static IReadOnlyList<Exercise> All => Catalog.Value;

    /// <summary>The exercise with id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">No exercise has that id (the message lists the ids there are).</exception>
    public static Exercise Get(string id) =>
        Catalog.Value.FirstOrDefault(e => e.Id == id)
        ?? throw new ArgumentException($"no exercise '{id}'; there are {string.Join(", ", Catalog.Value.Select(e => e.Id))}.", nameof(id));

    /// <summary>
    /// Checks a notebook's answer: runs the graded cases of exercise <paramref name="id"/> against
    /// <paramref name="solution"/> (pass the method group, e.g. <c>SplitHeads</c>), prints one line per case
    /// starting with ✓ or ✗ and a message for each failure, and returns the report. A stub that still throws
    /// <see cref="NotImplementedException"/> prints "not attempted" and no case lines. Exceptions thrown by
    /// <paramref name="solution"/> are reported, never rethrown.
    /// </summary>
    public static ExerciseReport Check(string id, Delegate solution)
    {
        ExerciseReport report = Get(id).Run(solution);
        Console.Write(report.ToText());
        return report;
    }
}
