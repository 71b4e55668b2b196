using Attention;

namespace Course.Solutions;

/// <summary>
/// The arguments of the hidden graded cases: drawn fresh for each grading run from a seed the student never sees, with
/// the edge cases of each exercise among them. Instructor-side only, like the reference answers that judge them: the
/// student release does not contain this assembly, so no table of answers can be made in advance.
/// </summary>
public static class HiddenArguments
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
        var random = new Random(HashCode.Combine(seed, StableHash(exerciseId)));
        return generate(random);
    }

    private static int StableHash(string s) => s.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    private static Tensor T(Random r, double sigma, params int[] shape) => Tensor.Random(r.Next(), shape, sigma);

    private static object?[][] Repeat(Random r, Func<Random, object?[]> draw, params object?[][] edges) =>
        [.. edges, .. Enumerable.Range(0, Draws).Select(_ => draw(r))];

    private static readonly Dictionary<string, Func<Random, IReadOnlyList<object?[]>>> Generators = new()
    {
        ["4.1a"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 5), dK = r.Next(1, 5);
            return [T(r, 1, r.Next(1, 3), r.Next(1, 6), heads * dK), heads];
        }, [T(r, 1, 1, 3, 7), 2], [T(r, 1, 2, 1, 9), 9]),
        ["4.1b"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 4), dModel = heads * r.Next(1, 4);
            return [T(r, 1, r.Next(1, 3), r.Next(1, 5), dModel), T(r, 0.5, dModel, dModel), heads];
        }),
        ["4.2a"] = r => Repeat(r, r =>
        {
            int dK = r.Next(1, 9);
            double sigma = r.Next(2) == 0 ? 1 : 15;
            return [T(r, sigma, r.Next(1, 6), dK), T(r, sigma, r.Next(1, 8), dK)];
        }, [T(r, 1, 3, 4), T(r, 1, 1, 4)]),
        ["4.2b"] = r => Repeat(r, r =>
        {
            int B = r.Next(1, 3), h = r.Next(1, 4), n = r.Next(1, 5), S = r.Next(1, 6), dK = r.Next(1, 6), dV = r.Next(1, 6);
            return [T(r, 1, B, h, n, dK), T(r, 1, B, h, S, dK), T(r, 1, B, h, S, dV)];
        }),
        ["4.3a"] = r => Repeat(r, r => [T(r, 1, r.Next(1, 3), r.Next(1, 5), r.Next(1, 5), r.Next(1, 5))]),
        ["4.3b"] = r => Repeat(r, r =>
        {
            int h = r.Next(1, 4), dV = r.Next(1, 4);
            return [T(r, 1, r.Next(1, 3), h, r.Next(1, 5), dV), T(r, 0.5, h * dV, r.Next(1, 7))];
        }),
        ["4.4b"] = r => Repeat(r, r =>
        {
            int h = r.Next(1, 5);
            return [T(r, 1, r.Next(1, 3), h, r.Next(1, 5), r.Next(1, 4)), r.Next(h)];
        }),
        ["4.5a"] = r => Repeat(r, r =>
        {
            int kv = r.Next(1, 17), heads = kv * r.Next(1, 9);
            return [r.Next(heads), heads, kv];
        }, [7, 8, 8], [31, 32, 1], [0, 1, 1]),
        ["4.5b"] = r => Repeat(r, r => [r.Next(1, 129), r.Next(1, 65), 32 * r.Next(1, 9), (long)r.Next(1, 2_000_000), 1 << r.Next(3)],
            [80, 8, 128, 1_000_000L, 2], [1, 1, 1, 0L, 4]),
        ["4.5c"] = r => Repeat(r, r => [T(r, 1, r.Next(1, 3), r.Next(1, 4), r.Next(1, 5), r.Next(1, 4)), r.Next(1, 5)]),
        ["5.1a"] = r => Repeat(r, r =>
        {
            int S = r.Next(1, 12);
            return [r.Next(1, S + 1), S];
        }, [1, 1], [5, 5], [1, 9]),
        ["5.3a"] = r => Repeat(r, r => [r.Next(1, 97), r.Next(1, 17), 64 * r.Next(1, 3), 1 << r.Next(3), (long)r.Next(1, 200_000), (long)r.Next(0, 5_000)],
            [32, 8, 128, 2, 100_000L, 0L], [80, 8, 128, 2, 1_000_000L, 100_000L]),
        ["5.3b"] = r => Repeat(r, r =>
        {
            long S = r.Next(1, 100_000), L = r.Next(1, (int)S + 1);
            int kv = r.Next(1, 9);
            return [L, S, kv * r.Next(1, 9), kv, 64 * r.Next(1, 3), 1 << r.Next(3)];
        }, [1L, 4096L, 32, 8, 128, 2], [4096L, 4096L, 32, 32, 128, 2]),
        ["5.4b"] = r => Repeat(r, r => [r.Next(1, 65)], [1], [2], [3], [12], [96]),
        ["6.1a"] = r => Repeat(r, r =>
        {
            long S = r.NextInt64(1, 300_000), L = r.NextInt64(1, S + 1);
            return [L, S, r.Next(2) == 0, r.Next(3) == 0 ? 0L : r.NextInt64(1, S + 2)];
        }, [1L, 1L, true, 0L], [131_072L, 131_072L, true, 0L], [8L, 8L, true, 100L], [65_536L, 131_072L, true, 4096L]),
        ["6.1b"] = r => Repeat(r, r =>
        {
            int points = r.Next(2, 9);
            double k = 1 + r.NextDouble() * 2, c = Math.Exp(r.NextDouble() * 6 - 3);
            double[] N = [.. Enumerable.Range(0, points).Select(_ => (double)r.Next(16, 20_000)).Distinct()];
            if (N.Length < 2)
            {
                N = [16, 32];
            }

            return [N, N.Select(n => c * Math.Pow(n, k) * (1 + (0.05 * (r.NextDouble() - 0.5)))).ToArray()];
        }),
        ["6.2b"] = r => Repeat(r, r => [r.Next(1, 33), r.Next(1, 65), r.Next(1, 65_537), 32 * r.Next(1, 9), 1 << r.Next(3)], [64, 32, 65_536, 128, 4]),
        ["6.4a"] = r => Repeat(r, r =>
        {
            int n = r.Next(1, 14);
            return [n, r.Next(1, n + 2), Enumerable.Range(0, n).Where(_ => r.Next(4) == 0).ToArray()];
        }, [1, 1, new int[] { 0 }], [6, 6, Array.Empty<int>()], [7, 1, new int[] { 0, 6 }]),
    };
}
