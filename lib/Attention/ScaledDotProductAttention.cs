using System.Buffers;
using System.Numerics.Tensors;

namespace Attention;

/// <summary>The output of attention and, when asked for, the weights that produced it.</summary>
/// <param name="Output">O = weights · V, shape [batch, queryHeads, queries, valueDim].</param>
/// <param name="Weights">softmax(scores + masks), shape [batch, queryHeads, queries, keys]; null unless requested.</param>
public sealed record AttentionResult(Tensor Output, Tensor? Weights);

/// <summary>
/// Scaled dot-product attention, the reference definition every faster kernel is checked against:
/// <code>
/// scores  = scale · Q Kᵀ (+ bias)          [B, Hq, L, S]
/// scores  = −∞ where the mask hides a key (before softmax, never after)
/// weights = softmax over keys               [B, Hq, L, S]
/// O       = weights · V                      [B, Hq, L, Ev]
/// </code>
/// with Q [B, Hq, L, E], K [B, H, S, E], V [B, H, S, Ev], scale = 1/√E by default. When H &lt; Hq
/// (grouped-query attention), query head h reads KV head ⌊h / (Hq/H)⌋. A query row with no visible key
/// returns zeros (and zero weights), matching current PyTorch.
/// </summary>
public static class ScaledDotProductAttention
{
    /// <summary>Attention output O [B, Hq, L, Ev]. See the class summary for shapes and semantics.</summary>
    /// <param name="Q">Queries [batch, queryHeads, queries, headDim].</param>
    /// <param name="K">Keys [batch, kvHeads, keys, headDim]; kvHeads divides queryHeads.</param>
    /// <param name="V">Values [batch, kvHeads, keys, valueDim].</param>
    /// <param name="mask">Boolean mask, true = may attend; broadcast to [B, Hq, L, S].</param>
    /// <param name="bias">Additive logit bias (e.g. ALiBi, or −∞ to hide), broadcast to [B, Hq, L, S].</param>
    /// <param name="causal">If set, hide future keys with this alignment (combined with <paramref name="mask"/>).</param>
    /// <param name="scale">Multiplier of Q Kᵀ; default 1/√headDim.</param>
    public static Tensor Forward(
        Tensor Q, Tensor K, Tensor V, Mask? mask = null, Tensor? bias = null, CausalAlignment? causal = null, float? scale = null) =>
        Compute(Q, K, V, mask, bias, causal, scale, keepScores: false).Output;

    /// <summary>Like <see cref="Forward"/>, also returning the attention weights [B, Hq, L, S].</summary>
    public static AttentionResult ForwardWithWeights(
        Tensor Q, Tensor K, Tensor V, Mask? mask = null, Tensor? bias = null, CausalAlignment? causal = null, float? scale = null)
    {
        var (output, _, weights) = Compute(Q, K, V, mask, bias, causal, scale, keepScores: false);
        return new AttentionResult(output, weights);
    }

    /// <summary>
    /// Like <see cref="ForwardWithWeights"/>, also returning the raw scores scale · Q Kᵀ [B, Hq, L, S] it computed on the
    /// way (before bias and masks), so a trace never computes them twice.
    /// </summary>
    internal static (AttentionResult Result, Tensor Scores) ForwardWithScores(Tensor Q, Tensor K, Tensor V, Mask? mask, CausalAlignment? causal)
    {
        var (output, scores, weights) = Compute(Q, K, V, mask, null, causal, null, keepScores: true);
        return (new AttentionResult(output, weights), scores!);
    }

    /// <summary>The raw compatibility scores scale · Q Kᵀ, shape [B, Hq, L, S], before any mask or softmax.</summary>
    public static Tensor Scores(Tensor Q, Tensor K, float? scale = null)
    {
        var (B, Hq, L, E, H, S, _) = CheckQkv(Q, K, null);
        float s = ResolveScale(scale, E);
        var scores = new Tensor(B, Hq, L, S);
        float[] Kt = ArrayPool<float>.Shared.Rent(E * S);   // K_hᵀ [E, S], one KV head at a time, in a reused buffer
        try
        {
            for (int b = 0; b < B; b++)
            {
                for (int kvh = 0; kvh < H; kvh++)
                {
                    Tensor.Transpose(K.Data.AsSpan(((b * H) + kvh) * S * E, S * E), Kt, S, E);

                    // S_h = scale · Q_h K_hᵀ: one matrix product per query head that reads this KV head.
                    for (int h = kvh * (Hq / H); h < (kvh + 1) * (Hq / H); h++)
                    {
                        Span<float> Sh = scores.Data.AsSpan(((b * Hq) + h) * L * S, L * S);
                        Gemm.Multiply(Q.Data.AsSpan(((b * Hq) + h) * L * E, L * E), Kt.AsSpan(0, E * S), Sh, L, E, S);
                        TensorPrimitives.Multiply(Sh, s, Sh);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(Kt);
        }

        return scores;
    }

    /// <summary>The default scale 1/√headDim, which keeps the variance of a score near 1 for unit-variance q and k.</summary>
    public static float DefaultScale(int headDim) => 1f / MathF.Sqrt(headDim);

    /// <summary>
    /// The KV head that query head <paramref name="queryHead"/> reads in grouped-query attention:
    /// ⌊h / (Hq / H)⌋. Hq = H is multi-head attention (identity), H = 1 is multi-query attention.
    /// </summary>
    public static int KvHead(int queryHead, int queryHeads, int kvHeads)
    {
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        if (queryHeads % kvHeads != 0)
        {
            throw new ArgumentException(
                $"kvHeads ({kvHeads}) must divide queryHeads ({queryHeads}) so every KV head serves the same number of query heads.",
                nameof(kvHeads));
        }

        if ((uint)queryHead >= (uint)queryHeads)
        {
            throw new ArgumentOutOfRangeException(nameof(queryHead), queryHead, $"queryHead must be in 0..{queryHeads - 1}.");
        }

        return queryHead / (queryHeads / kvHeads);
    }

    private static (Tensor Output, Tensor? Scores, Tensor Weights) Compute(
        Tensor Q, Tensor K, Tensor V, Mask? mask, Tensor? bias, CausalAlignment? causal, float? scale, bool keepScores)
    {
        var (B, Hq, L, E, H, S, Ev) = CheckQkv(Q, K, V);
        mask?.RequireBroadcastsTo(nameof(mask), B, Hq, L, S);
        if (bias is not null)
        {
            CheckBias(bias, B, Hq, L, S);
        }

        int causalOffset = causal is { } alignment ? Mask.CausalOffset(L, S, alignment) : int.MaxValue / 2;

        // The scores become the weights in place (bias, masks, softmax), one (batch, head) pair per work item; a trace
        // keeps a copy of the raw scores. One [B, Hq, L, S] array fewer than scores and weights apart: fresh memory is slow.
        Tensor weights = Scores(Q, K, scale);
        Tensor? scores = keepScores ? weights.Clone() : null;
        Parallel.For(0, B * Hq, bh =>
        {
            int b = bh / Hq, h = bh % Hq;
            for (int i = 0; i < L; i++)
            {
                Span<float> row = weights.Row(b, h, i);
                if (bias is not null)
                {
                    for (int j = 0; j < S; j++)
                    {
                        row[j] += BiasAt(bias, b, h, i, j);
                    }
                }

                // Visible: j ≤ i + causalOffset, and allowed by the mask.
                row[(int)Math.Clamp((long)i + causalOffset + 1, 0, S)..].Fill(float.NegativeInfinity);
                mask?.HideInRow(b, h, i, row);
                Softmax.Row(row, row);
            }
        });

        // O_h = P_h V_h: one matrix product per head.
        var O = new Tensor(B, Hq, L, Ev);
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < Hq; h++)
            {
                int kvh = KvHead(h, Hq, H);
                Gemm.Multiply(weights.Data.AsSpan(((b * Hq) + h) * L * S, L * S), V.Data.AsSpan(((b * H) + kvh) * S * Ev, S * Ev),
                    O.Data.AsSpan(((b * Hq) + h) * L * Ev, L * Ev), L, S, Ev);
            }
        }

        return (O, scores, weights);
    }

    /// <summary>The scale to use: the given one if finite (else an error), 1/√headDim when none is given.</summary>
    internal static float ResolveScale(float? scale, int headDim)
    {
        if (scale is { } given && !float.IsFinite(given))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), given, "scale must be finite.");
        }

        return scale ?? DefaultScale(headDim);
    }

    /// <summary>The shape and value checks every attention kernel shares (V may be omitted for scores only).</summary>
    internal static (int B, int Hq, int L, int E, int H, int S, int Ev) CheckQkv(Tensor Q, Tensor K, Tensor? V)
    {
        Shapes.Require(Q, nameof(Q), "[batch, queryHeads, queries, headDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        Shapes.RequireNonEmpty(Q, nameof(Q), "[batch, queryHeads, queries, headDim]");
        int B = Q.Dim(0), Hq = Q.Dim(1), L = Q.Dim(2), E = Q.Dim(3);
        Shapes.Require(K, nameof(K), "[batch, kvHeads, keys, headDim]", B, Shapes.Any, Shapes.Any, E);
        Shapes.RequireNonEmpty(K, nameof(K), "[batch, kvHeads, keys, headDim]");
        int H = K.Dim(1), S = K.Dim(2);
        if (Hq % H != 0)
        {
            throw new ArgumentException(
                $"K has {H} heads, which does not divide Q's {Hq} heads (Q {Q.ShapeText}, K {K.ShapeText}).", nameof(K));
        }

        int Ev = 0;
        if (V is not null)
        {
            Shapes.Require(V, nameof(V), "[batch, kvHeads, keys, valueDim]", B, H, S, Shapes.Any);
            Shapes.RequireNonEmpty(V, nameof(V), "[batch, kvHeads, keys, valueDim]");
            Ev = V.Dim(3);
            Shapes.RequireFinite(V, nameof(V));
        }

        Shapes.RequireFinite(Q, nameof(Q));
        Shapes.RequireFinite(K, nameof(K));
        return (B, Hq, L, E, H, S, Ev);
    }

    private static void CheckBias(Tensor bias, int B, int Hq, int L, int S)
    {
        int[] full = [B, Hq, L, S];
        bool ok = bias.Rank is >= 2 and <= 4;
        for (int axis = 0; ok && axis < bias.Rank; axis++)
        {
            int size = bias.Dim(axis), target = full[4 - bias.Rank + axis];
            ok = size == 1 || size == target;
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"bias must broadcast to [batch, heads, queries, keys] = {Shapes.Format(full)}; got {bias.ShapeText}.", nameof(bias));
        }

        int nan = Array.FindIndex(bias.Data, v => float.IsNaN(v) || float.IsPositiveInfinity(v));
        if (nan >= 0)
        {
            throw new ArgumentException($"bias has {bias.Data[nan]} at flat index {nan}; only finite values or −∞ are allowed.", nameof(bias));
        }
    }

    private static float BiasAt(Tensor bias, int b, int h, int i, int j)
    {
        Span<int> index = [b, h, i, j];
        int rank = bias.Rank, offset = 0;
        for (int axis = 0; axis < rank; axis++)
        {
            int size = bias.Dim(axis);
            offset = (offset * size) + (size == 1 ? 0 : index[4 - rank + axis]);
        }

        return bias.Data[offset];
    }
}
