
namespace Attention;

/// <summary>The output of the tiled forward pass and what it cost.</summary>
/// <param name="Output">O [batch, queryHeads, queries, valueDim], equal to scaled dot-product attention.</param>
/// <param name="LogSumExp">
/// L = m + log ℓ per query row, [batch, queryHeads, queries]: all the backward pass needs to rebuild the weights
/// (weights_ij = exp(s_ij − L_i)). −∞ for a row with no visible key.
/// </param>
/// <param name="ComputedBlocks">Tiles (query block × key block, summed over batch and heads) whose scores were computed.</param>
/// <param name="SkippedBlocks">Tiles with no visible (query, key) pair, never computed.</param>
public sealed record FlashAttentionResult(Tensor Output, Tensor LogSumExp, int ComputedBlocks, int SkippedBlocks);

/// <summary>
/// One tile of the tiled pass, for teaching: which blocks met, whether the tile was skipped, and the running
/// online-softmax state (m, ℓ) of each query row of the block after the tile.
/// </summary>
/// <param name="Batch">Batch index b.</param>
/// <param name="Head">Query head h.</param>
/// <param name="QueryBlock">Index of the query block (rows QueryBlock·blockQ ..).</param>
/// <param name="KeyBlock">Index of the key block (keys KeyBlock·blockK ..).</param>
/// <param name="Skipped">True when no pair in the tile is visible, so nothing was computed.</param>
/// <param name="RowMax">Running maximum m of each row of the query block after this tile.</param>
/// <param name="RowSum">Running sum ℓ of each row of the query block after this tile.</param>
public sealed record FlashTile(int Batch, int Head, int QueryBlock, int KeyBlock, bool Skipped, double[] RowMax, double[] RowSum);

/// <summary>Collects a <see cref="FlashTile"/> per tile, in the order the kernel visits them.</summary>
public sealed class FlashTrace
{
    private readonly List<FlashTile> tiles = [];

    /// <summary>The tiles visited so far.</summary>
    public IReadOnlyList<FlashTile> Tiles => tiles;

    internal void Add(FlashTile tile) => tiles.Add(tile);
}

/// <summary>
/// Exact attention computed tile by tile (FlashAttention, Dao et al. 2022, in the FlashAttention-2 arrangement).
/// For each query block Qᵢ [blockQ, E] and each key/value block Kⱼ, Vⱼ [blockK, ·]:
/// <code>
/// S   = scale · Qᵢ Kⱼᵀ                      one tile of scores, never the whole [L, S] matrix
/// m̃   = max(m, rowmax(S));  P = exp(S − m̃)
/// ℓ   = e^(m − m̃) ℓ + rowsum(P)
/// Oᵢ  = e^(m − m̃) Oᵢ + P Vⱼ                 kept unnormalised
/// </code>
/// and once at the end Oᵢ = Oᵢ / ℓ and LSEᵢ = m + log ℓ. The result equals
/// <see cref="ScaledDotProductAttention"/> up to float rounding; only the order of the sums changes.
/// With <c>causal</c>, tiles lying entirely in the future are skipped, which is where the 2× saving comes from.
/// </summary>
public static class FlashAttention
{
    /// <summary>
    /// The tiled forward pass. Q [B, Hq, L, E], K [B, H, S, E], V [B, H, S, Ev], H divides Hq (grouped-query:
    /// query head h reads KV head <see cref="ScaledDotProductAttention.KvHead"/>). Block sizes need not divide L or S.
    /// </summary>
    /// <param name="Q">Queries [batch, queryHeads, queries, headDim].</param>
    /// <param name="K">Keys [batch, kvHeads, keys, headDim].</param>
    /// <param name="V">Values [batch, kvHeads, keys, valueDim].</param>
    /// <param name="blockQ">Query rows per tile (Br), at least 1.</param>
    /// <param name="blockK">Keys per tile (Bc), at least 1.</param>
    /// <param name="causal">If set, query i sees keys j ≤ i + offset (see <see cref="Mask.CausalOffset"/>).</param>
    /// <param name="scale">Multiplier of Q Kᵀ; default 1/√headDim.</param>
    /// <param name="trace">If given, receives one <see cref="FlashTile"/> per tile.</param>
    /// <returns>Output [B, Hq, L, Ev], log-sum-exp [B, Hq, L] and the computed / skipped tile counts.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A block size is below 1, or the scale is not finite.</exception>
    /// <exception cref="ArgumentException">Shapes do not match or an input is not finite.</exception>
    public static FlashAttentionResult Forward(
        Tensor Q, Tensor K, Tensor V, int blockQ, int blockK, CausalAlignment? causal = null, float? scale = null, FlashTrace? trace = null)
    {
        var (_, _, L, E, _, S, _) = ScaledDotProductAttention.CheckQkv(Q, K, V);
        Shapes.RequirePositive(blockQ, nameof(blockQ));
        Shapes.RequirePositive(blockK, nameof(blockK));
        int offset = causal is { } alignment ? Mask.CausalOffset(L, S, alignment) : int.MaxValue / 2;
        return Tiled(Q, K, V, blockQ, blockK, offset, mask: null, ScaledDotProductAttention.ResolveScale(scale, E), trace);
    }

    /// <summary>
    /// The shared tiled kernel: visible(b, h, i, j) = j ≤ i + <paramref name="causalOffset"/> and the mask allows it.
    /// A tile with no visible pair is skipped. Inputs must already be checked.
    /// </summary>
    // Optimised at first call: in the notebooks' kernel its pair loops would otherwise run unoptimised, and 6.4 times them.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static FlashAttentionResult Tiled(
        Tensor Q, Tensor K, Tensor V, int blockQ, int blockK, int causalOffset, Mask? mask, float scale, FlashTrace? trace)
    {
        int B = Q.Dim(0), Hq = Q.Dim(1), L = Q.Dim(2), H = K.Dim(1), S = K.Dim(2), Ev = V.Dim(3);
        var O = new Tensor(B, Hq, L, Ev);
        var lse = new Tensor(B, Hq, L);
        int computed = 0, skipped = 0;
        var scores = new float[blockQ * blockK];

        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < Hq; h++)
            {
                int kvh = ScaledDotProductAttention.KvHead(h, Hq, H);

                // This head's keys and values as flat spans: a row is a slice, with no index array allocated per (query, key) pair.
                int E = K.Dim(3);
                ReadOnlySpan<float> Kh = K.Data.AsSpan(((b * H) + kvh) * S * E, S * E);
                ReadOnlySpan<float> Vh = V.Data.AsSpan(((b * H) + kvh) * S * Ev, S * Ev);
                ReadOnlySpan<float> Qh = Q.Data.AsSpan(((b * Hq) + h) * L * E, L * E);
                Span<float> Oh = O.Data.AsSpan(((b * Hq) + h) * L * Ev, L * Ev);
                for (int i0 = 0; i0 < L; i0 += blockQ)
                {
                    int rows = Math.Min(blockQ, L - i0);
                    var state = new OnlineSoftmax[rows];
                    for (int r = 0; r < rows; r++)
                    {
                        state[r] = new OnlineSoftmax();
                    }

                    for (int j0 = 0; j0 < S; j0 += blockK)
                    {
                        int cols = Math.Min(blockK, S - j0);
                        bool skip = !AnyVisible(b, h, i0, rows, j0, cols, causalOffset, mask);
                        if (skip)
                        {
                            skipped++;
                        }
                        else
                        {
                            computed++;
                            for (int r = 0; r < rows; r++)
                            {
                                int i = i0 + r;
                                Span<float> s = scores.AsSpan(r * blockK, cols);
                                ReadOnlySpan<float> q = Qh.Slice(i * E, E);
                                for (int c = 0; c < cols; c++)
                                {
                                    int j = j0 + c;
                                    bool visible = j <= i + causalOffset && (mask?.IsVisible(b, h, i, j) ?? true);
                                    s[c] = visible ? scale * RowMath.Dot(q, Kh.Slice(j * E, E)) : float.NegativeInfinity;
                                }

                                // s becomes P = exp(S − m_new); O is rescaled to the new maximum before P V is added.
                                float rescale = (float)state[r].Update(s, s);
                                Span<float> o = Oh.Slice(i * Ev, Ev);
                                RowMath.Multiply(o, rescale);
                                for (int c = 0; c < cols; c++)
                                {
                                    if (s[c] != 0f)
                                    {
                                        RowMath.MultiplyAdd(Vh.Slice((j0 + c) * Ev, Ev), s[c], o, o);
                                    }
                                }
                            }
                        }

                        trace?.Add(new FlashTile(
                            b, h, i0 / blockQ, j0 / blockK, skip, [.. state.Select(x => x.Max)], [.. state.Select(x => x.Sum)]));
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        // FlashAttention-2: one division per row at the very end. ℓ = 0 means no visible key: O stays 0.
                        Span<float> o = O.Row(b, h, i0 + r);
                        if (state[r].Sum > 0)
                        {
                            RowMath.Divide(o, (float)state[r].Sum);
                        }

                        lse[b, h, i0 + r] = (float)state[r].LogSumExp;
                    }
                }
            }
        }

        return new FlashAttentionResult(O, lse, computed, skipped);
    }

    /// <summary>Whether the tile of <paramref name="rows"/> queries from i0 and <paramref name="cols"/> keys from j0 holds a visible pair.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static bool AnyVisible(int b, int h, int i0, int rows, int j0, int cols, int causalOffset, Mask? mask)
    {
        // The earliest key of the tile is in the future of its last query: the whole tile is hidden.
        if (j0 > i0 + rows - 1 + causalOffset)
        {
            return false;
        }

        if (mask is null)
        {
            return true;
        }

        for (int i = i0; i < i0 + rows; i++)
        {
            for (int j = j0; j < j0 + cols && j <= i + causalOffset; j++)
            {
                if (mask.IsVisible(b, h, i, j))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
