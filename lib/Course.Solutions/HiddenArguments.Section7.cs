using Attention;

namespace Course.Solutions;

/// <summary>The hidden cases' argument draws of section 7's exercises, each with its edge cases first.</summary>
public static partial class HiddenArguments
{
    private static Dictionary<string, Func<Random, IReadOnlyList<object?[]>>> Section7 => new()
    {
        ["7.1a"] = r => Repeat(r, r => [r.Next(1, 129), 2 * r.Next(1, 65), r.Next(1, 1025), 2 * r.Next(0, 33), r.Next(1, 200_000)],
            [1, 1, 1, 0, 1], [128, 128, 512, 64, 131_072], [3, 5, 7, 0, 11], [1, 1, 1, 1, 0], [0, 4, 8, 2, 5], [2, 4, 8, -2, 5]),
        ["7.1b"] = r => Repeat(r, r => [T(r, 1, r.Next(1, 6), 2 * r.Next(1, 6)), r.Next(-40, 41)],
            [T(r, 1, 2, 2), 0], [T(r, 1, 1, 4), -1], [T(r, 1, 3, 6), 1000], [T(r, 1, 2, 16), -7], [T(r, 1, 2, 3), 2], [T(r, 1, 4), 1]),
        ["7.2a"] = r => Repeat(r, r => [r.Next(1, 81), r.Next(1, 13), r.Next(0, 7), r.Next(1, 17)],
            [1, 1, 0, 1], [2, 1, 0, 1], [10, 3, 0, 1], [10, 3, 2, 1], [50, 12, 0, 12], [50, 12, 0, 11], [60, 9, 5, 3], [5, 2, -1, 3], [5, 0, 1, 3]),
        ["7.2b"] = r => Repeat(r, r => [r.Next(1, 300_000), r.Next(0, 9), r.Next(1, 4097)],
            [1, 0, 1], [1, 5, 3], [7, 0, 7], [8, 0, 7], [2_000_000, 4, 4092], [3, 2, 0], [0, 1, 1]),
        ["7.3a"] = r => Repeat(r, r =>
        {
            int pairs = r.Next(1, 33), context = r.Next(2, 5000);
            double[] trained = RopeScaling.Interpolated(2 * pairs, 1, Math.Pow(10, r.Next(2, 7)));
            double[] used = r.Next(3) switch
            {
                0 => (double[])trained.Clone(),
                1 => [.. trained.Select(t => t / (1 + (7 * r.NextDouble())))],
                _ => [.. trained.Select(t => t * Math.Exp(r.NextDouble() - 0.5))],
            };
            return [trained, used, context, r.Next(1, 4 * context)];
        },
            [new[] { 1.0 }, new[] { 1.0 }, 1, 1], [new[] { 0.01 }, new[] { 0.01 }, 8, 9], [new[] { 0.01, 7.0 }, new[] { 0.005, 7.0 }, 100, 300],
            [new[] { 0.5 }, new[] { 0.25 }, 14, 200], [new[] { 0.1 }, new[] { 0.1 }, 64, 16], [new[] { 1.0 }, new[] { 1.0, 2.0 }, 4, 8], [new[] { 1.0 }, new[] { 0.0 }, 4, 8],
            [new[] { 1.0 }, new[] { 1.0 }, 0, 8]),
        ["7.3b"] = r => Repeat(r, r => [r.Next(1, 65), 20 * r.NextDouble(), Math.Exp(-12 * r.NextDouble())],
            [1, 0.0, 1.0], [3, 1.7, 0.2], [7, 6.1, 0.013], [64, 0.3, 0.9], [4, -1.0, 0.5], [4, 1.0, 1.5], [0, 1.0, 0.5], [4, double.NaN, 0.5]),
        ["7.4a"] = r => Repeat(r, r => [r.Next(1, 5000), r.Next(1, 17), r.Next(0, 600), 1 << r.Next(0, 7)],
            [1, 1, 0, 1], [16, 4, 1, 16], [17, 4, 1, 16], [15, 3, 1, 16], [1, 64, 0, 8], [5, 2, 11, 1], [10, 0, 1, 4], [10, 2, -1, 4]),
        ["7.4b"] = r => Repeat(r, r => [Enumerable.Range(0, r.Next(1, 5)).Select(_ => r.Next(1, 9)).ToArray(), r.Next(0, 7), r.Next(1, 16)],
            [new[] { 1 }, 0, 1], [new[] { 1, 8 }, 0, 4], [new[] { 3, 3, 3 }, 2, 2], [new[] { 2, 7 }, 5, 100], [new[] { 2, 0 }, 1, 3], [new[] { 2 }, -1, 3]),
        ["7.5a"] = r => Repeat(r, r =>
        {
            int H = r.Next(1, 4), S = r.Next(1, 9), L = r.Next(1, S + 1), d = r.Next(1, 5), dv = r.Next(1, 4);
            return [T(r, 1, H, L, d), T(r, 1, H, S, d), T(r, 1, H, S, dv), Enumerable.Range(0, H).Select(_ => r.NextDouble()).ToArray(), T(r, 1, H, L, dv)];
        }, [T(r, 1, 1, 1, 3), T(r, 1, 1, 1, 3), T(r, 1, 1, 1, 2), new double[] { 0.3 }, T(r, 1, 1, 1, 2)],
           [T(r, 1, 2, 1, 2), T(r, 1, 2, 7, 2), T(r, 1, 2, 7, 2), new double[] { 0, 2 }, T(r, 1, 2, 1, 2)],
           [T(r, 1, 2, 3, 2), T(r, 1, 2, 3, 2), T(r, 1, 2, 3, 2), new double[] { 0.5, 0.5, 0.5 }, T(r, 1, 2, 3, 2)]),
        ["7.5b"] = r => Repeat(r, r =>
        {
            int H = r.Next(1, 4), Hq = H * r.Next(1, 4), L = r.Next(1, 5), S = r.Next(1, 6), d = r.Next(1, 4), dv = r.Next(1, 4);
            return [T(r, 1, Hq, L, d), T(r, 1, H, S, d), T(r, 1, H, S, dv), T(r, 1, Hq, L, dv)];
        }, [T(r, 1, 4, 2, 2), T(r, 1, 2, 3, 2), T(r, 1, 2, 3, 3), T(r, 1, 4, 2, 3)],
           [T(r, 1, 5, 1, 1), T(r, 1, 1, 1, 1), T(r, 1, 1, 1, 1), T(r, 1, 5, 1, 1)],
           [T(r, 1, 4, 2, 2), T(r, 1, 3, 2, 2), T(r, 1, 3, 2, 2), T(r, 1, 4, 2, 2)]),
    };
}
