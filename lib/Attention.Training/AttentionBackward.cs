
namespace Attention.Training;

/// <summary>The gradients of attention's three inputs.</summary>
/// <param name="dQ">∂loss/∂Q [B, h, L, d].</param>
/// <param name="dK">∂loss/∂K [B, h, S, d].</param>
/// <param name="dV">∂loss/∂V [B, h, S, d_v].</param>
public sealed record AttentionGradients(Tensor dQ, Tensor dK, Tensor dV);

/// <summary>
/// The backward pass of scaled dot-product attention, per head, from the forward's weights P (this is what
/// FlashAttention's backward recomputes tile by tile from the saved log-sum-exp instead of storing P):
/// <code>
/// forward:  S = scale · Q Kᵀ   P = softmax(S + mask)   O = P V
/// dV = Pᵀ dO                          [S, d_v]
/// dP = dO Vᵀ                          [L, S]
/// dS = P ⊙ (dP − rowsum(P ⊙ dP))      [L, S]   (softmax backward, row by row; zero where masked)
/// dQ = scale · dS K                   [L, d]
/// dK = scale · dSᵀ Q                  [S, d]
/// </code>
/// Plain multi-head attention only (as many K/V heads as query heads).
/// </summary>
public static class AttentionBackward
{
    /// <summary>Gradients of Q [B, h, L, d], K [B, h, S, d], V [B, h, S, d_v] given P [B, h, L, S] and dO [B, h, L, d_v].</summary>
    public static AttentionGradients Backward(Tensor Q, Tensor K, Tensor V, Tensor P, Tensor dO, float? scale = null)
    {
        Shapes.Require(Q, nameof(Q), "[batch, heads, queries, headDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        int B = Q.Dim(0), H = Q.Dim(1), L = Q.Dim(2), d = Q.Dim(3);
        Shapes.Require(K, nameof(K), "[batch, heads, keys, headDim]", B, H, Shapes.Any, d);
        int S = K.Dim(2);
        Shapes.Require(V, nameof(V), "[batch, heads, keys, valueDim]", B, H, S, Shapes.Any);
        int dv = V.Dim(3);
        Shapes.Require(P, nameof(P), "[batch, heads, queries, keys]", B, H, L, S);
        Shapes.Require(dO, nameof(dO), "[batch, heads, queries, valueDim]", B, H, L, dv);
        float s = scale ?? ScaledDotProductAttention.DefaultScale(d);

        var dQ = new Tensor(B, H, L, d);
        var dK = new Tensor(B, H, S, d);
        var dV = new Tensor(B, H, S, dv);
        var dP = new float[S];
        var dS = new float[S];
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                // The head's rows as spans: key j is a slice, no index array per (query, key) pair.
                int bh = (b * H) + h;
                ReadOnlySpan<float> Qh = Q.Data.AsSpan(bh * L * d, L * d), Kh = K.Data.AsSpan(bh * S * d, S * d), Vh = V.Data.AsSpan(bh * S * dv, S * dv);
                Span<float> dKh = dK.Data.AsSpan(bh * S * d, S * d), dVh = dV.Data.AsSpan(bh * S * dv, S * dv);
                for (int i = 0; i < L; i++)
                {
                    ReadOnlySpan<float> p = P.Data.AsSpan(((bh * L) + i) * S, S), dOi = dO.Data.AsSpan(((bh * L) + i) * dv, dv), qi = Qh.Slice(i * d, d);
                    Span<float> dQi = dQ.Data.AsSpan(((bh * L) + i) * d, d);
                    for (int j = 0; j < S; j++)
                    {
                        // dV_j += P_ij dO_i  and  dP_ij = dO_i · V_j
                        RowMath.MultiplyAdd(dOi, p[j], dVh.Slice(j * dv, dv), dVh.Slice(j * dv, dv));
                        dP[j] = RowMath.Dot(dOi, Vh.Slice(j * dv, dv));
                    }

                    SoftmaxBackward.Row(p, dP, dS);
                    for (int j = 0; j < S; j++)
                    {
                        if (dS[j] != 0)
                        {
                            // dQ_i += scale dS_ij K_j  and  dK_j += scale dS_ij Q_i
                            RowMath.MultiplyAdd(Kh.Slice(j * d, d), s * dS[j], dQi, dQi);
                            RowMath.MultiplyAdd(qi, s * dS[j], dKh.Slice(j * d, d), dKh.Slice(j * d, d));
                        }
                    }
                }
            }
        }

        return new AttentionGradients(dQ, dK, dV);
    }
}
