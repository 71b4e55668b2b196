using Attention;

namespace Course.Solutions;

/// <summary>The hidden cases' argument draws of section 5's exercises, each with its edge cases first.</summary>
public static partial class HiddenArguments
{
    private static Dictionary<string, Func<Random, IReadOnlyList<object?[]>>> Section5 => new()
    {
        ["5.1a"] = r => Repeat(r, r =>
        {
            int[] lengths = [.. Enumerable.Range(0, r.Next(1, 5)).Select(_ => r.Next(0, 5))];
            if (lengths.Sum() == 0)
            {
                lengths[0] = 1;
            }

            return [lengths, r.Next(1, lengths.Sum() + 1)];
        }, [new[] { 1 }, 1], [new[] { 0, 0, 3 }, 3], [new[] { 1, 1, 1, 1 }, 4], [new[] { 3, 4 }, 8], [new[] { 3, 4 }, 0]),
        ["5.1b"] = r => Repeat(r, r =>
        {
            int B = r.Next(1, 4), n = r.Next(1, 7);
            return [T(r, r.Next(2) == 0 ? 1 : 20, B, n, n), Enumerable.Range(0, B).Select(_ => r.Next(0, n + 1)).ToArray()];
        }, [T(r, 1, 2, 4, 4), new[] { 0, 4 }], [T(r, 1, 1, 1, 1), new[] { 1 }]),
        ["5.2a"] = r => Repeat(r, r =>
        {
            int B = r.Next(1, 3), H = r.Next(1, 4), S = r.Next(0, 7), Tn = r.Next(1, 5), d = r.Next(1, 6);
            return [T(r, 1, B, H, S, d), T(r, 1, B, H, S, d), T(r, 1, B, H, Tn, d), T(r, 1, B, H, Tn, d), T(r, 1, B, H, Tn, d)];
        }, [T(r, 1, 1, 2, 0, 3), T(r, 1, 1, 2, 0, 3), T(r, 1, 1, 2, 1, 3), T(r, 1, 1, 2, 1, 3), T(r, 1, 1, 2, 1, 3)]),
        ["5.2b"] = r => Repeat(r, r => RollingStep(r, r.Next(1, 7), r.Next(0, 20)), RollingStep(r, 1, 0), RollingStep(r, 6, 0), RollingStep(r, 4, 1), RollingStep(r, 4, 3), RollingStep(r, 4, 4), RollingStep(r, 3, 17)),
        ["5.3a"] = r => Repeat(r, r => [r.Next(1, 97), r.Next(1, 17), 64 * r.Next(1, 3), 1 << r.Next(3), (long)r.Next(0, 200_000), (long)r.Next(0, 5_000),
                r.Next(2) == 0 ? 0L : r.Next(1, 300_000)],
            [32, 8, 128, 2, 100_000L, 0L, 0L], [80, 8, 128, 2, 1_000_000L, 100_000L, 0L], [32, 8, 128, 2, 10L, 100L, 50L], [32, 8, 128, 2, 100L, 10L, 50L],
            [1, 1, 64, 2, 0L, 7L, 1L]),
        ["5.3b"] = r => Repeat(r, r =>
        {
            int kv = r.Next(1, 9);
            return [(long)r.Next(1, 20_000), kv * r.Next(1, 9), kv, 32 * r.Next(1, 5), 1 << r.Next(3), r.NextDouble() * (r.Next(2) == 0 ? 20 : 400)];
        }, [1L, 1, 1, 16, 4, 1e9], [8192L, 64, 8, 128, 2, 295.0], [4096L, 8, 1, 64, 2, 0.0], [512L, 32, 8, 128, 2, 230.0], [3000L, 16, 16, 64, 2, 780.0]),
        ["5.4a"] = r => Repeat(r, r =>
        {
            int n = r.Next(1, 5), d = 2 * r.Next(1, 6);
            return [T(r, 1, n, d), Enumerable.Range(0, n).Select(_ => r.Next(3) == 0 ? r.Next(0, 100_000) : r.Next(0, 64)).ToArray()];
        }, [T(r, 1, 1, 2), new[] { 0 }], [T(r, 1, 2, 8), new[] { 65_535, 1 }]),
        ["5.4b"] = r => Repeat(r, r =>
        {
            int S = r.Next(0, 9);
            return [r.Next(1, 25), r.Next(0, S + 1), S, r.Next(1, 10)];
        }, [3, 2, 2, 1], [96, 1, 4, 2], [6, 0, 0, 3], [2, 1, 1, 0]),
        ["5.5a"] = r => Repeat(r, r =>
        {
            int B = r.Next(1, 4), H = r.Next(1, 3), Lq = r.Next(1, 5), Lm = r.Next(1, 7), d = r.Next(1, 5);
            return [T(r, 1, B, H, Lq, d), T(r, 1, B, H, Lm, d), T(r, 1, B, H, Lm, d), Enumerable.Range(0, B).Select(_ => r.Next(0, Lm + 1)).ToArray()];
        }, [T(r, 1, 2, 1, 2, 3), T(r, 1, 2, 1, 3, 3), T(r, 1, 2, 1, 3, 3), new[] { 0, 3 }]),
        ["5.5b"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 4), dModel = heads * r.Next(1, 4), dMem = r.Next(1, 7), B = r.Next(1, 3);
            return [T(r, 1, B, r.Next(1, 5), dModel), T(r, 1, B, r.Next(1, 6), dMem),
                T(r, 0.5, dModel, dModel), T(r, 0.5, dMem, dModel), T(r, 0.5, dMem, dModel), T(r, 0.5, dModel, dModel), heads];
        }),
    };
}
