
namespace Attention;

/// <summary>
/// Flash-Decoding (Dao et al. 2023): a decode step has one query per head, so at batch 1 there is nothing to spread over
/// the cores but the keys. Split them into <c>splits</c> contiguous ranges, let each worker compute its range's softmax
/// output o_k and log-sum-exp ℓ_k, then merge:
/// <code>
/// O = Σ_k e^(ℓ_k − ℓ) o_k,   ℓ = log Σ_k e^(ℓ_k)
/// </code>
/// which is exactly attention over all keys, since e^(ℓ_k − ℓ) is the share of the total weight that range k holds.
/// </summary>
public static class SplitKvDecoding
{
    /// <summary>
    /// Decode attention q [B, Hq, 1, d] against K [B, H, S, d], V [B, H, S, d_v] (no mask: every cached key is visible),
    /// with each (batch, head) split into <paramref name="splits"/> key ranges computed in parallel. Returns [B, Hq, 1, d_v].
    /// </summary>
    public static Tensor Decode(Tensor q, Tensor K, Tensor V, int splits, float? scale = null)
    {
        // Shapes only: scanning the whole cache for NaN at every step would read it twice, and reading it is the cost.
        Shapes.Require(q, nameof(q), "[B, Hq, 1, d]", Shapes.Any, Shapes.Any, 1, Shapes.Any);
        int B = q.Dim(0), Hq = q.Dim(1), E = q.Dim(3);
        Shapes.Require(K, nameof(K), "[B, H, S, d]", B, Shapes.Any, Shapes.Any, E);
        int H = K.Dim(1), S = K.Dim(2);
        Shapes.Require(V, nameof(V), "[B, H, S, d_v]", B, H, S, Shapes.Any);
        int Ev = V.Dim(3);
        if (H == 0 || Hq % H != 0)
        {
            throw new ArgumentException($"K has {H} heads, which does not divide q's {Hq} heads (q {q.ShapeText}, K {K.ShapeText}).", nameof(K));
        }

        Shapes.RequirePositive(splits, nameof(splits));
        float c = ScaledDotProductAttention.ResolveScale(scale, Math.Max(E, 1));
        int perSplit = (S + splits - 1) / splits;
        var partials = new float[B * Hq * splits * Ev];
        var lse = new double[B * Hq * splits];
        Parallel.For(0, B * Hq * splits, work =>
        {
            int k = work % splits, bh = work / splits, b = bh / Hq, h = bh % Hq;
            int kvh = ScaledDotProductAttention.KvHead(h, Hq, H);
            int from = Math.Min(S, k * perSplit), to = Math.Min(S, from + perSplit);
            lse[work] = Partial(
                q.Row(b, h, 0),
                K.Data.AsSpan((((b * H) + kvh) * S * E) + (from * E), (to - from) * E),
                V.Data.AsSpan((((b * H) + kvh) * S * Ev) + (from * Ev), (to - from) * Ev),
                c,
                partials.AsSpan(work * Ev, Ev));
        });

        var O = new Tensor(B, Hq, 1, Ev);
        for (int bh = 0; bh < B * Hq; bh++)
        {
            Merge(partials.AsSpan(bh * splits * Ev, splits * Ev), lse.AsSpan(bh * splits, splits), O.Data.AsSpan(bh * Ev, Ev));
        }

        return O;
    }

    /// <summary>
    /// One range's normalised output softmax(c·K q) V into <paramref name="o"/> and its log-sum-exp (−∞, with o = 0, for
    /// an empty range).
    /// </summary>
    public static double Partial(ReadOnlySpan<float> q, ReadOnlySpan<float> K, ReadOnlySpan<float> V, float scale, Span<float> o)
    {
        int E = q.Length, Ev = o.Length, n = E == 0 ? 0 : K.Length / E;
        o.Clear();
        if (n == 0)
        {
            return double.NegativeInfinity;
        }

        var scores = new float[n];
        for (int j = 0; j < n; j++)
        {
            scores[j] = scale * RowMath.Dot(q, K.Slice(j * E, E));
        }

        var softmax = new OnlineSoftmax();
        softmax.Update(scores, scores);
        float l = (float)softmax.Sum;
        for (int j = 0; j < n; j++)
        {
            RowMath.MultiplyAdd(V.Slice(j * Ev, Ev), scores[j] / l, o, o);
        }

        return softmax.LogSumExp;
    }

    /// <summary>Merges normalised partial outputs (k rows of d_v) by their log-sum-exps into <paramref name="O"/>.</summary>
    public static void Merge(ReadOnlySpan<float> partials, ReadOnlySpan<double> lse, Span<float> O)
    {
        int Ev = O.Length;
        double total = double.NegativeInfinity;
        foreach (double l in lse)
        {
            total = Math.Max(total, l);
        }

        O.Clear();
        if (double.IsNegativeInfinity(total))
        {
            return;
        }

        double sum = 0;
        foreach (double l in lse)
        {
            sum += Math.Exp(l - total);
        }

        for (int k = 0; k < lse.Length; k++)
        {
            float share = (float)(Math.Exp(lse[k] - total) / sum);
            if (share > 0)
            {
                RowMath.MultiplyAdd(partials.Slice(k * Ev, Ev), share, O, O);
            }
        }
    }
}
