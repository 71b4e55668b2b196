using Attention;

namespace Course.Solutions;

/// <summary>The hidden cases' argument draws of section 6's exercises, each with its edge cases first.</summary>
public static partial class HiddenArguments
{
    private static Dictionary<string, Func<Random, IReadOnlyList<object?[]>>> Section6 => new()
    {
        ["6.1a"] = r => Repeat(r, r =>
        {
            long S = r.NextInt64(1, 300_000), L = r.NextInt64(1, S + 1);
            return [L, S, r.Next(2) == 0, r.Next(3) == 0 ? 0L : r.NextInt64(1, S + 2)];
        }, [1L, 1L, true, 0L], [131_072L, 131_072L, true, 0L], [8L, 8L, true, 100L], [65_536L, 131_072L, true, 4096L]),
        ["6.1b"] = r => Repeat(r, r =>
        {
            double a = Math.Exp(r.NextDouble() * 12), b = Math.Exp((r.NextDouble() * 6) - 3), crossover = a / b;
            // Lengths from well below to well above the crossover, in random order.
            double[] N = [.. Enumerable.Range(0, r.Next(2, 7)).Select(_ => Math.Round(crossover * Math.Exp((r.NextDouble() * 6) - 3)) + 1).Distinct()];
            if (N.Length < 2)
            {
                N = [N[0], N[0] + 1];
            }

            return [N, N.Select(n => (a * n) + (b * n * n)).ToArray()];
        }, [new double[] { 1, 2 }, new double[] { 3, 10 }], [new double[] { 7, 7, 9 }, new double[] { 7 * 5 + 49, 7 * 5 + 49, 9 * 5 + 81 }]),
        ["6.2a"] = r => Repeat(r, r =>
        {
            int rank = r.Next(1, 6);
            return [Enumerable.Range(0, rank).Select(_ => r.Next(1, 7)).ToArray(), Enumerable.Range(0, rank).OrderBy(_ => r.Next()).ToArray()];
        }, [new[] { 5 }, new[] { 0 }], [new[] { 2, 3 }, new[] { 0, 2 }], [new[] { 2, 3 }, new[] { 1 }], [new[] { 1024, 1024, 1024, 8 }, new[] { 3, 2, 1, 0 }]),
        ["6.2b"] = r => Repeat(r, r => [r.Next(1, 33), r.Next(1, 65), r.Next(1, 65_537), 32 * r.Next(1, 9), 1 << r.Next(3), 16 << r.Next(5)],
            [64, 32, 65_536, 128, 4, 128], [1, 1, 1, 1, 1, 1], [1, 1, 7, 1, 1, 3], [1, 1, 8, 4, 2, -1]),
        ["6.3a"] = r => Repeat(r, r => TileStep(r, r.Next(0, 6), r.Next(1, 6), r.Next(1, 4), r.Next(4) == 0),
            TileStep(r, 0, 3, 2, false), TileStep(r, 0, 2, 2, true), TileStep(r, 3, 2, 2, true),
            [(double[])[double.NegativeInfinity, 0, 0, 0], (float[])[float.NegativeInfinity, float.NegativeInfinity], T(r, 1, 2, 2)]),
        ["6.3b"] = r => Repeat(r, r => Partials(r, r.Next(1, 6), r.Next(1, 5), r.Next(4) == 0 ? 0 : 0.3), Partials(r, 3, 2, 1), LargePartials(r)),
        ["6.4a"] = r => Repeat(r, r =>
        {
            int n = r.Next(1, 3000);
            return [n, r.Next(1, n + 50), r.Next(3) == 0 ? 0 : r.Next(0, 20), r.Next(1, 200), r.Next(1, 200)];
        }, [1, 1, 0, 1, 1], [1, 1, 5, 4, 4], [100, 1, 100, 7, 3], [64, 64, 0, 64, 64], [10, 3, -1, 2, 2]),
        ["6.4b"] = r => Repeat(r, r =>
        {
            int n = r.Next(1, 10);
            var mask = new Tensor(n, n);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    mask[i, j] = r.Next(3) == 0 ? 1 : 0;
                }
            }

            return [mask, r.Next(1, 5)];
        }),
        ["6.5a"] = r => Repeat(r, r => [Rows(r, [r.Next(1, 3), r.Next(1, 3), r.Next(1, 5), r.Next(1, 7)], r.Next(2) == 0 ? 1 : 40, hideSome: true)]),
        ["6.5b"] = r => Repeat(r, r =>
        {
            int H = r.Next(1, 5), dv = r.Next(1, 4);
            return [T(r, 1, r.Next(1, 4), H, r.Next(1, 6), dv), T(r, 0.5, H * dv, r.Next(1, 6))];
        }),
    };
}
