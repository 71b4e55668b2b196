using Attention;

namespace Attention.Tests;

/// <summary>
/// Float64 attention written straight from the definition, with no shared code with the library:
/// O[b,h,i,:] = Σ_j softmax_j(scale·q_i·k_j + bias_ij | visible) v_j. The yardstick for every kernel.
/// </summary>
public static class Reference
{
    public static double[,,,] Attention(
        Tensor Q, Tensor K, Tensor V, Func<int, int, int, int, bool>? visible = null,
        Func<int, int, int, int, double>? bias = null, double? scale = null)
    {
        int B = Q.Dim(0), Hq = Q.Dim(1), L = Q.Dim(2), E = Q.Dim(3);
        int H = K.Dim(1), S = K.Dim(2), Ev = V.Dim(3);
        double sc = scale ?? 1.0 / Math.Sqrt(E);
        var O = new double[B, Hq, L, Ev];
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < Hq; h++)
            {
                int kvh = h / (Hq / H);
                for (int i = 0; i < L; i++)
                {
                    var logits = new double[S];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < S; j++)
                    {
                        double dot = 0;
                        for (int e = 0; e < E; e++)
                        {
                            dot += (double)Q[b, h, i, e] * K[b, kvh, j, e];
                        }

                        logits[j] = (visible?.Invoke(b, h, i, j) ?? true)
                            ? (sc * dot) + (bias?.Invoke(b, h, i, j) ?? 0)
                            : double.NegativeInfinity;
                        max = Math.Max(max, logits[j]);
                    }

                    if (double.IsNegativeInfinity(max))
                    {
                        continue; // no visible key: zeros
                    }

                    double sum = logits.Sum(x => Math.Exp(x - max));
                    for (int j = 0; j < S; j++)
                    {
                        double w = Math.Exp(logits[j] - max) / sum;
                        for (int e = 0; e < Ev; e++)
                        {
                            O[b, h, i, e] += w * V[b, kvh, j, e];
                        }
                    }
                }
            }
        }

        return O;
    }

    /// <summary>Largest |a − b| over all elements.</summary>
    public static double MaxAbsDiff(Tensor actual, double[,,,] expected)
    {
        double worst = 0;
        int n = 0;
        foreach (double e in expected)
        {
            worst = Math.Max(worst, Math.Abs(actual.Data[n++] - e));
        }

        Assert.Equal(expected.Length, actual.Length);
        return worst;
    }

    /// <summary>Largest |a − b| between two tensors of equal shape.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.Shape, b.Shape);
        double worst = 0;
        for (int n = 0; n < a.Length; n++)
        {
            worst = Math.Max(worst, Math.Abs(a.Data[n] - b.Data[n]));
        }

        return worst;
    }
}
