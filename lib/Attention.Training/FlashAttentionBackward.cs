using Attention;

namespace Attention.Training;

/// <summary>The gradients of the tiled backward pass and what it cost.</summary>
/// <param name="Gradients">dQ, dK, dV, equal to <see cref="AttentionBackward"/> up to float rounding.</param>
/// <param name="WorkingFloats">Floats of scratch the pass allocates besides its inputs and outputs: D and one tile's buffers.</param>
/// <param name="ComputedBlocks">Tiles whose scores were recomputed.</param>
/// <param name="SkippedBlocks">Tiles with no visible pair, never touched.</param>
public sealed record FlashBackwardResult(AttentionGradients Gradients, long WorkingFloats, int ComputedBlocks, int SkippedBlocks);

/// <summary>
/// FlashAttention's backward pass (Dao 2022; loop order of FlashAttention-2, Dao 2023). The forward kept only O and the
/// log-sum-exp LSE of each query row, never the [L, S] weights. Per head:
/// <code>
/// D_i   = rowsum(dO_i ⊙ O_i)                    [L]       (= Σ_j P_ij dP_ij, since O_i = Σ_j P_ij V_j)
/// for each key block j (outer: its dK_j, dV_j stay in fast memory; on a GPU one worker per block):
///   for each query block i:
///     S   = scale · Q_i K_jᵀ;   P = exp(S − LSE_i)  (0 where hidden)      recomputed, one tile
///     dV_j += Pᵀ dO_i
///     dP  = dO_i V_jᵀ
///     dS  = P ⊙ (dP − D_i)
///     dQ_i += scale · dS K_j                      (on a GPU an atomic add: several key blocks write dQ_i)
///     dK_j += scale · dSᵀ Q_i
/// </code>
/// Working memory is one tile and D, O(L + Br·Bc), instead of the O(L·S) weights the standard backward reads.
/// Plain multi-head attention (as many K/V heads as query heads).
/// </summary>
public static class FlashAttentionBackward
{
    /// <summary>The tiled backward pass from the forward's output and log-sum-exp (<see cref="FlashAttention.Forward"/>).</summary>
    /// <param name="Q">Queries [batch, heads, queries, headDim].</param>
    /// <param name="K">Keys [batch, heads, keys, headDim].</param>
    /// <param name="V">Values [batch, heads, keys, valueDim].</param>
    /// <param name="O">The forward's output [batch, heads, queries, valueDim].</param>
    /// <param name="logSumExp">The forward's LSE per query row [batch, heads, queries]; −∞ for a row with no visible key.</param>
    /// <param name="dO">∂loss/∂O [batch, heads, queries, valueDim].</param>
    /// <param name="blockQ">Query rows per tile, at least 1.</param>
    /// <param name="blockK">Keys per tile, at least 1.</param>
    /// <param name="causal">The forward's causal alignment, if any.</param>
    /// <param name="scale">The forward's scale; default 1/√headDim.</param>
    public static FlashBackwardResult Backward(
        Tensor Q, Tensor K, Tensor V, Tensor O, Tensor logSumExp, Tensor dO, int blockQ, int blockK, CausalAlignment? causal = null, float? scale = null)
    {
        Shapes.Require(Q, nameof(Q), "[batch, heads, queries, headDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        int B = Q.Dim(0), H = Q.Dim(1), L = Q.Dim(2), d = Q.Dim(3);
        Shapes.Require(K, nameof(K), "[batch, heads, keys, headDim]", B, H, Shapes.Any, d);
        int S = K.Dim(2);
        Shapes.Require(V, nameof(V), "[batch, heads, keys, valueDim]", B, H, S, Shapes.Any);
        int dv = V.Dim(3);
        Shapes.Require(O, nameof(O), "[batch, heads, queries, valueDim]", B, H, L, dv);
        Shapes.Require(dO, nameof(dO), "[batch, heads, queries, valueDim]", B, H, L, dv);
        Shapes.Require(logSumExp, nameof(logSumExp), "[batch, heads, queries]", B, H, L);
        Shapes.RequirePositive(blockQ, nameof(blockQ));
        Shapes.RequirePositive(blockK, nameof(blockK));
        float s = scale ?? ScaledDotProductAttention.DefaultScale(d);
        int offset = causal is { } alignment ? Mask.CausalOffset(L, S, alignment) : int.MaxValue / 2;

        var dQ = new Tensor(B, H, L, d);
        var dK = new Tensor(B, H, S, d);
        var dV = new Tensor(B, H, S, dv);
        var D = new float[L];
        var P = new float[blockQ * blockK];
        var dS = new float[blockQ * blockK];
        int computed = 0, skipped = 0;
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                int bh = (b * H) + h;
                ReadOnlySpan<float> Qh = Q.Data.AsSpan(bh * L * d, L * d), Kh = K.Data.AsSpan(bh * S * d, S * d), Vh = V.Data.AsSpan(bh * S * dv, S * dv);
                ReadOnlySpan<float> Oh = O.Data.AsSpan(bh * L * dv, L * dv), dOh = dO.Data.AsSpan(bh * L * dv, L * dv), lse = logSumExp.Data.AsSpan(bh * L, L);
                Span<float> dQh = dQ.Data.AsSpan(bh * L * d, L * d), dKh = dK.Data.AsSpan(bh * S * d, S * d), dVh = dV.Data.AsSpan(bh * S * dv, S * dv);
                for (int i = 0; i < L; i++)
                {
                    D[i] = RowMath.Dot(dOh.Slice(i * dv, dv), Oh.Slice(i * dv, dv));
                }

                for (int j0 = 0; j0 < S; j0 += blockK)
                {
                    int cols = Math.Min(blockK, S - j0);
                    for (int i0 = 0; i0 < L; i0 += blockQ)
                    {
                        int rows = Math.Min(blockQ, L - i0);

                        // The tile's first key lies after its last query's horizon: nothing visible.
                        if (j0 > i0 + rows - 1 + offset)
                        {
                            skipped++;
                            continue;
                        }

                        computed++;
                        for (int r = 0; r < rows; r++)
                        {
                            int i = i0 + r;
                            ReadOnlySpan<float> qi = Qh.Slice(i * d, d), dOi = dOh.Slice(i * dv, dv);
                            for (int c = 0; c < cols; c++)
                            {
                                int j = j0 + c;
                                bool visible = j <= i + offset && !float.IsNegativeInfinity(lse[i]);
                                float p = visible ? MathF.Exp((s * RowMath.Dot(qi, Kh.Slice(j * d, d))) - lse[i]) : 0f;
                                P[(r * cols) + c] = p;
                                dS[(r * cols) + c] = p * (RowMath.Dot(dOi, Vh.Slice(j * dv, dv)) - D[i]);
                            }
                        }

                        for (int r = 0; r < rows; r++)
                        {
                            int i = i0 + r;
                            ReadOnlySpan<float> qi = Qh.Slice(i * d, d), dOi = dOh.Slice(i * dv, dv);
                            Span<float> dQi = dQh.Slice(i * d, d);
                            for (int c = 0; c < cols; c++)
                            {
                                int j = j0 + c;
                                float p = P[(r * cols) + c], g = s * dS[(r * cols) + c];
                                if (p != 0)
                                {
                                    RowMath.MultiplyAdd(dOi, p, dVh.Slice(j * dv, dv), dVh.Slice(j * dv, dv));
                                }

                                if (g != 0)
                                {
                                    RowMath.MultiplyAdd(Kh.Slice(j * d, d), g, dQi, dQi);
                                    RowMath.MultiplyAdd(qi, g, dKh.Slice(j * d, d), dKh.Slice(j * d, d));
                                }
                            }
                        }
                    }
                }
            }
        }

        long working = (long)D.Length + P.Length + dS.Length;
        return new FlashBackwardResult(new AttentionGradients(dQ, dK, dV), working, computed, skipped);
    }
}
