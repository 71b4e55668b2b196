using Attention;

namespace Course.Solutions;

/// <summary>
/// The arguments of the hidden graded cases: drawn fresh for each grading run from a seed the student never sees, with
/// the edge cases of each exercise among them. Instructor-side only, like the reference answers that judge them: the
/// student release does not contain this assembly, so no table of answers can be made in advance.
/// </summary>
public static partial class HiddenArguments
{
    /// <summary>How many configurations each hidden case draws (besides its fixed edge cases).</summary>
    public const int Draws = 8;

    /// <summary>The exercises that have hidden cases.</summary>
    public static IReadOnlyCollection<string> Exercises => Generators.Keys;

    /// <summary>The argument lists of <paramref name="exerciseId"/>'s hidden case for <paramref name="seed"/>, or null if it has none.</summary>
    public static IReadOnlyList<object?[]>? For(string exerciseId, int seed)
    {
        if (!Generators.TryGetValue(exerciseId, out var generate))
        {
            return null;
        }

        // One stream per exercise: the same seed regenerates the same (fresh) arguments.
        // Not HashCode.Combine: it is seeded per process, and a recorded seed must redraw the same arguments in any process.
        var random = new Random(unchecked((seed * 1_000_003) + StableHash(exerciseId)));
        return generate(random);
    }

    private static int StableHash(string s) => s.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    private static Tensor T(Random r, double sigma, params int[] shape) =>
        shape.Contains(0) ? new Tensor(shape) : Tensor.Random(r.Next(), shape, sigma);

    private static object?[][] Repeat(Random r, Func<Random, object?[]> draw, params object?[][] edges) =>
        [.. edges, .. Enumerable.Range(0, Draws).Select(_ => draw(r))];

    // One dictionary per section, in HiddenArguments.Section4.cs, .Section5.cs and .Section6.cs.
    private static readonly Dictionary<string, Func<Random, IReadOnlyList<object?[]>>> Generators = new([.. Section4, .. Section5, .. Section6, .. Section7]);
}
