using Attention;

namespace Attention.Tests;

/// <summary>
/// Float64 multi-head attention written from the formula, sharing no code with the library:
/// q = X_q W_Q + b_Q, k = X_kv W_K + b_K, v = X_kv W_V + b_V; head i uses columns i·d_k.. of q and KV head
/// ⌊i / (h / h_kv)⌋ of k and v; o_i = softmax(q_i k_iᵀ / √d_k | visible) v_i; y = [o_1 … o_h] W_O + b_O.
/// </summary>
public static class MultiHeadReference
{
    public static double[,,] Forward(
        Tensor Xq, Tensor Xkv, Tensor WQ, Tensor WK, Tensor WV, Tensor WO, int heads, int kvHeads,
        Tensor? bQ = null, Tensor? bK = null, Tensor? bV = null, Tensor? bO = null,
        Func<int, int, int, int, bool>? visible = null)
    {
        int B = Xq.Dim(0), L = Xq.Dim(1), S = Xkv.Dim(1);
        int dk = WQ.Dim(1) / heads, dv = WV.Dim(1) / kvHeads, dModel = WO.Dim(1);
        double[,,] q = Project(Xq, WQ, bQ), k = Project(Xkv, WK, bK), v = Project(Xkv, WV, bV);
        var concat = new double[B, L, heads * dv];
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                int g = h / (heads / kvHeads);
                for (int i = 0; i < L; i++)
                {
                    var logits = new double[S];
                    for (int j = 0; j < S; j++)
                    {
                        double dot = 0;
                        for (int e = 0; e < dk; e++)
                        {
                            dot += q[b, i, (h * dk) + e] * k[b, j, (g * dk) + e];
                        }

                        logits[j] = (visible?.Invoke(b, h, i, j) ?? true) ? dot / Math.Sqrt(dk) : double.NegativeInfinity;
                    }

                    double max = logits.Max();
                    if (double.IsNegativeInfinity(max))
                    {
                        continue;
                    }

                    double sum = logits.Sum(x => Math.Exp(x - max));
                    for (int j = 0; j < S; j++)
                    {
                        double w = Math.Exp(logits[j] - max) / sum;
                        for (int e = 0; e < dv; e++)
                        {
                            concat[b, i, (h * dv) + e] += w * v[b, j, (g * dv) + e];
                        }
                    }
                }
            }
        }

        var y = new double[B, L, dModel];
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < L; i++)
            {
                for (int o = 0; o < dModel; o++)
                {
                    double acc = bO is null ? 0 : bO.Data[o];
                    for (int f = 0; f < heads * dv; f++)
                    {
                        acc += concat[b, i, f] * WO[f, o];
                    }

                    y[b, i, o] = acc;
                }
            }
        }

        return y;
    }

    /// <summary>Largest |actual − expected| over a [B, N, d] result.</summary>
    public static double MaxAbsDiff(Tensor actual, double[,,] expected)
    {
        Assert.Equal([expected.GetLength(0), expected.GetLength(1), expected.GetLength(2)], actual.Shape);
        double worst = 0;
        int n = 0;
        foreach (double e in expected)
        {
            worst = Math.Max(worst, Math.Abs(actual.Data[n++] - e));
        }

        return worst;
    }

    private static double[,,] Project(Tensor X, Tensor W, Tensor? bias)
    {
        int B = X.Dim(0), N = X.Dim(1), dIn = X.Dim(2), dOut = W.Dim(1);
        var y = new double[B, N, dOut];
        for (int b = 0; b < B; b++)
        {
            for (int n = 0; n < N; n++)
            {
                for (int o = 0; o < dOut; o++)
                {
                    double acc = bias is null ? 0 : bias.Data[o];
                    for (int f = 0; f < dIn; f++)
                    {
                        acc += (double)X[b, n, f] * W[f, o];
                    }

                    y[b, n, o] = acc;
                }
            }
        }

        return y;
    }
}
