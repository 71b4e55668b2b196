using Attention;

namespace Course.Solutions;

/// <summary>The hidden cases' argument draws of section 4's exercises, each with its edge cases first.</summary>
public static partial class HiddenArguments
{
    private static Dictionary<string, Func<Random, IReadOnlyList<object?[]>>> Section4 => new()
    {
        ["4.1a"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 5), dK = r.Next(1, 4);
            return [T(r, 1, r.Next(1, 3), r.Next(1, 5), 3 * heads * dK), heads];
        }, [T(r, 1, 1, 2, 12), 3], [T(r, 1, 1, 2, 12), 5], [T(r, 1, 1, 1, 8), 1]),
        ["4.1b"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 5), dModel = heads * r.Next(1, 4);
            return [T(r, 1, dModel, dModel), T(r, 1, dModel, dModel), heads];
        }, [T(r, 1, 6, 6), T(r, 1, 6, 6), 4], [T(r, 1, 8, 8), T(r, 1, 8, 8), 2]),
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
        ["4.3a"] = r => Repeat(r, r =>
        {
            int h = r.Next(1, 5), dV = r.Next(1, 4);
            return [T(r, 1, r.Next(1, 3), h, r.Next(1, 5), dV), T(r, 0.5, h * dV, r.Next(1, 6))];
        }, [T(r, 1, 1, 3, 2, 2), T(r, 1, 5, 2)]),
        ["4.3b"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 5), dModel = heads * r.Next(1, 4);
            return [T(r, 1, dModel, dModel), T(r, 1, dModel, dModel), heads];
        }, [T(r, 1, 6, 6), T(r, 1, 6, 6), 4]),
        ["4.4a"] = r => Repeat(r, r =>
        {
            int S = r.Next(2, 9), L = r.Next(1, S + 1);
            int[] batch = [.. Enumerable.Range(0, r.Next(0, 3)).Select(_ => r.Next(1, 4))];
            return [Rows(r, [.. batch, L, S], r.Next(2) == 0 ? 1 : 6)];
        }, [Rows(r, 1, 2, 2, 1)], [Rows(r, 8, 1, 9, 40)]),
        ["4.4b"] = r => Repeat(r, r =>
        {
            int S = r.Next(1, 9);
            return [CausalRows(r, r.Next(1, 4), r.Next(1, S + 1), S, r.Next(2) == 0 ? 1 : 4)];
        }, [CausalRows(r, 1, 1, 1, 1)], [CausalRows(r, 2, 2, 9, 6)]),
        ["4.5a"] = r => Repeat(r, r =>
        {
            int kv = r.Next(1, 9), heads = kv * r.Next(1, 7);
            int[] divisors = [.. Enumerable.Range(1, heads).Where(d => heads % d == 0)];
            int devices = divisors[r.Next(divisors.Length)];
            return [heads, kv, devices, r.Next(devices)];
        }, [12, 4, 6, 3], [30, 5, 10, 2], [8, 2, 8, 7], [1, 1, 1, 0], [12, 4, 5, 0], [12, 5, 4, 0]),
        ["4.5b"] = r => Repeat(r, r =>
        {
            int layers = r.Next(1, 97), sliding = r.Next(3) == 0 ? 0 : r.Next(0, layers + 1);
            return [r.NextInt64(0, 200L << 30), r.Next(1, 65), layers, sliding, 128 * r.Next(1, 65), r.Next(1, 17), 64 * r.Next(1, 5), 1 << r.Next(3)];
        }, [0L, 1, 1, 0, 1, 1, 1, 1], [long.MaxValue, 1, 1, 0, 1, 1, 1, 1], [long.MaxValue, 1, 1, 1, 1, 1, 1, 1], [1L << 40, 1, 4, 0, 0, 1, 64, 2]),
        ["4.5c"] = r => Repeat(r, r =>
        {
            int kv = r.Next(1, 5), heads = kv * r.Next(1, 5);
            return [T(r, 1, r.Next(1, 4), heads * r.Next(1, 4)), heads, kv];
        }, [T(r, 1, 2, 12), 4, 3], [T(r, 1, 2, 10), 4, 2]),
        ["4.5d"] = r => Repeat(r, r =>
        {
            int vocab = r.Next(1, 17), n = r.Next(2, 17);
            return [Enumerable.Range(0, n).Select(_ => r.Next(vocab)).ToArray(), vocab, r.Next(4, 7)];
        }, [new[] { 5, 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 5 }, 16, 4], [new[] { 0, 0 }, 1, 4]),
    };
}
