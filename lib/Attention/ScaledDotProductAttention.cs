using System.Buffers;
using System.Runtime.CompilerServices;

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
        Compute(Q, K, V, mask, bias, causal, scale, keepWeights: false).Output!;

    /// <summary>Like <see cref="Forward"/>, also returning the attention weights [B, Hq, L, S].</summary>
    public static AttentionResult ForwardWithWeights(
        Tensor Q, Tensor K, Tensor V, Mask? mask = null, Tensor? bias = null, CausalAlignment? causal = null, float? scale = null)
    {
        var (output, weights) = Compute(Q, K, V, mask, bias, causal, scale, keepWeights: true);
        return new AttentionResult(output!, weights);
    }

    /// <summary>
    /// The attention weights softmax(scale · Q Kᵀ + bias + masks) [B, Hq, L, S] alone, without the values: the same bits
    /// <see cref="ForwardWithWeights"/> returns for the same arguments.
    /// </summary>
    /// <param name="Q">Queries [batch, queryHeads, queries, headDim].</param>
    /// <param name="K">Keys [batch, kvHeads, keys, headDim]; kvHeads divides queryHeads.</param>
    /// <param name="mask">Boolean mask, true = may attend; broadcast to [B, Hq, L, S].</param>
    /// <param name="bias">Additive logit bias, broadcast to [B, Hq, L, S].</param>
    /// <param name="causal">If set, hide future keys with this alignment.</param>
    /// <param name="scale">Multiplier of Q Kᵀ; default 1/√headDim.</param>
    public static Tensor Weights(
        Tensor Q, Tensor K, Mask? mask = null, Tensor? bias = null, CausalAlignment? causal = null, float? scale = null) =>
        Compute(Q, K, null, mask, bias, causal, scale, keepWeights: true).Weights!;

    /// <summary>The raw compatibility scores scale · Q Kᵀ, shape [B, Hq, L, S], before any mask or softmax.</summary>
    public static Tensor Scores(Tensor Q, Tensor K, float? scale = null)
    {
        var (B, Hq, L, E, H, S, _) = CheckQkv(Q, K, null);
        float s = ResolveScale(scale, E);
        var scores = new Tensor(B, Hq, L, S);
        var shape = new AttentionShape(B, Hq, L, E, H, S, 0);
        Parallel.For(0, B * Hq, bh => HeadScores(Q.Data, K.Data, shape, bh, s, scores.Data.AsSpan(bh * L * S, L * S)));
        return scores;
    }

    /// <summary>S_h = scale · Q_h K_hᵀ [L, S] of one (batch, query head) pair bh, into <paramref name="Sh"/>.</summary>
    // Optimised at first call, like Gemm's kernels: a notebook's first forward passes would otherwise run it unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void HeadScores(float[] Q, float[] K, AttentionShape shape, int bh, float scale, Span<float> Sh)
    {
        var (_, Hq, L, E, H, S, _) = shape;
        int b = bh / Hq, kvh = KvHead(bh % Hq, Hq, H);
        float[] Kt = ArrayPool<float>.Shared.Rent(E * S);   // K_hᵀ [E, S] in a reused buffer: the product reads it by rows
        try
        {
            Tensor.Transpose(K.AsSpan(((b * H) + kvh) * S * E, S * E), Kt, S, E);
            Gemm.Multiply(Q.AsSpan(bh * L * E, L * E), Kt.AsSpan(0, E * S), Sh, L, E, S);
            RowMath.Multiply(Sh, scale);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(Kt);
        }
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

    private static (Tensor? Output, Tensor? Weights) Compute(
        Tensor Q, Tensor K, Tensor? V, Mask? mask, Tensor? bias, CausalAlignment? causal, float? scale, bool keepWeights)
    {
        var (B, Hq, L, E, H, S, Ev) = CheckQkv(Q, K, V);
        mask?.RequireBroadcastsTo(nameof(mask), B, Hq, L, S);
        if (bias is not null)
        {
            CheckBias(bias, B, Hq, L, S);
        }

        float s = ResolveScale(scale, E);
        int causalOffset = causal is { } alignment ? Mask.CausalOffset(L, S, alignment) : NoCausalOffset;
        Tensor? weights = keepWeights ? new Tensor(B, Hq, L, S) : null;
        Tensor? O = V is null ? null : new Tensor(B, Hq, L, Ev);
        Attend(Q.Data, K.Data, V?.Data, O?.Data, weights?.Data, new AttentionShape(B, Hq, L, E, H, S, Ev), mask, bias, causalOffset, s);
        return (O, weights);
    }

    /// <summary>The causal offset that hides no key.</summary>
    internal const int NoCausalOffset = int.MaxValue / 2;

    /// <summary>
    /// The computation behind every entry point, on row-major arrays that may be longer than their shapes (rented ones):
    /// O = softmax(scale · Q Kᵀ + bias + masks) V into <paramref name="O"/> when V is given, the weights into
    /// <paramref name="weights"/> when given. Arguments are checked by the caller.
    /// </summary>
    /// <remarks>
    /// One (batch, head) pair per work item, start to end: its scores become its weights in place (bias, masks, softmax),
    /// then O_h = P_h V_h while P_h is still in cache; pairs are independent, so threads change no bit. Weights nobody
    /// keeps live in a rented [L, S] buffer per work item: no [B, Hq, L, S] array.
    /// </remarks>
    internal static void Attend(
        float[] Q, float[] K, float[]? V, float[]? O, float[]? weights, AttentionShape shape, Mask? mask, Tensor? bias, int causalOffset, float scale)
    {
        var (B, Hq, L, _, H, S, Ev) = shape;
        // Optimised at first call: a notebook's first attention calls would otherwise run the row loop unoptimised.
        Parallel.For(0, B * Hq, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (bh) =>
        {
            int b = bh / Hq, h = bh % Hq;
            float[]? rented = weights is null ? ArrayPool<float>.Shared.Rent(L * S) : null;
            try
            {
                Span<float> P = (rented ?? weights!).AsSpan(rented is null ? bh * L * S : 0, L * S);
                HeadScores(Q, K, shape, bh, scale, P);
                for (int i = 0; i < L; i++)
                {
                    Span<float> row = P.Slice(i * S, S);
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

                if (V is not null)
                {
                    int kvh = KvHead(h, Hq, H);
                    Gemm.Multiply(P, V.AsSpan(((b * H) + kvh) * S * Ev, S * Ev), O!.AsSpan(bh * L * Ev, L * Ev), L, S, Ev);
                }
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<float>.Shared.Return(rented);
                }
            }
        });
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

/// <summary>The sizes of one attention call: Q [B, Hq, L, E], K [B, H, S, E], V [B, H, S, Ev].</summary>
internal readonly record struct AttentionShape(int B, int Hq, int L, int E, int H, int S, int Ev);
