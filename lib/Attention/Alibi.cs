namespace Attention;

/// <summary>
/// ALiBi, attention with linear biases (Press et al. 2022): no position embeddings at all; instead head h adds
/// −m_h · (i − j) to the logit of query position i and key position j, a penalty growing linearly with distance,
/// steeper for heads with larger slope m_h. Because softmax ignores a constant added to a whole row, only
/// distances matter, so the same bias serves prefill and decode against a KV cache.
/// </summary>
public static class Alibi
{
    /// <summary>
    /// The per-head slopes m_0 .. m_{n−1}. For n a power of two they are geometric, starting at 2^(−8/n) with ratio
    /// 2^(−8/n) (n = 8: 1/2, 1/4, …, 1/256). Otherwise, with p the largest power of two ≤ n: the p slopes for p,
    /// then every other slope for 2p (its 1st, 3rd, …), the first n − p of them — as in the ALiBi reference code.
    /// </summary>
    /// <param name="heads">n, the number of attention heads, ≥ 1.</param>
    /// <returns>double[n].</returns>
    public static double[] Slopes(int heads)
    {
        Shapes.RequirePositive(heads, nameof(heads));
        int p = 1;
        while (p * 2 <= heads)
        {
            p *= 2;
        }

        double[] slopes = PowerOfTwo(p);
        if (p == heads)
        {
            return slopes;
        }

        double[] finer = PowerOfTwo(2 * p);
        return [.. slopes, .. Enumerable.Range(0, heads - p).Select(k => finer[2 * k])];
    }

    /// <summary>
    /// The ALiBi bias [1, heads, L, S] for L queries and S keys aligned bottom-right: query i sits at position
    /// i + S − L (the last L positions, as in decode against a cache), so entry (h, i, j) = −m_h · (i + S − L − j).
    /// Pass it as the <c>bias</c> of <see cref="ScaledDotProductAttention.Forward"/> or
    /// <see cref="CachedAttention.Decode(KvCache, Tensor, Tensor, Tensor, Tensor?, float?)"/>.
    /// Future keys (j &gt; i + S − L) get a <em>positive</em> value here: ALiBi does not hide them; combine it with a
    /// causal mask (or bottom-right causal alignment), which does.
    /// </summary>
    /// <param name="heads">The number of query heads (one slope each).</param>
    /// <param name="queries">L, the number of queries.</param>
    /// <param name="keys">S, the number of keys.</param>
    /// <returns>float bias [1, heads, L, S].</returns>
    public static Tensor Bias(int heads, int queries, int keys)
    {
        Shapes.RequirePositive(queries, nameof(queries));
        Shapes.RequirePositive(keys, nameof(keys));
        double[] m = Slopes(heads);
        int offset = keys - queries;
        var bias = new Tensor(1, heads, queries, keys);
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < queries; i++)
            {
                Span<float> row = bias.Row(0, h, i);
                for (int j = 0; j < keys; j++)
                {
                    row[j] = (float)(-m[h] * (i + offset - j));
                }
            }
        }

        return bias;
    }

    /// <summary>2^(−8/n), 2^(−16/n), …, 2^(−8): start 2^(−8/n), ratio 2^(−8/n).</summary>
    private static double[] PowerOfTwo(int n)
    {
        double start = Math.Pow(2, -8.0 / n);
        return [.. Enumerable.Range(0, n).Select(k => start * Math.Pow(start, k))];
    }
}
