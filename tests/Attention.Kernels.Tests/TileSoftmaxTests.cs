using System.Runtime.Intrinsics;
using CsCheck;

namespace Attention.Kernels.Tests;

/// <summary>The fused online-softmax row step, against float64 definitions.</summary>
public class TileSoftmaxTests
{
    [Theory]
    [InlineData(KernelWidth.Vector256)]
    [InlineData(KernelWidth.Vector512)]
    public void One_row_update_matches_the_online_softmax_in_float64(KernelWidth width)
    {
        // A row of 64 or 128 scores (some masked with −∞, at least one finite) on top of a running (m, l, o).
        Gen.Select(Gen.Int[1, 2], Gen.Float[-30f, 30f].Array[128], Gen.Int[0, 127], Gen.Float[-20f, 20f], Gen.Float[0.5f, 50f], Gen.Float[-3f, 3f].Array[64])
            .Sample((tiles, scores, masked, m0, l0, o0) =>
            {
                int n = 64 * tiles;
                float[] s = scores[..n];
                for (int j = masked % n; j < n; j += 3)
                {
                    s[j] = float.NegativeInfinity;
                }

                s[0] = scores[0];
                double mNew = Math.Max(m0, s.Max());
                double alpha = Math.Exp(m0 - mNew), lExpected = alpha * l0;
                double[] p = [.. s.Select(x => Math.Exp(x - mNew))];
                lExpected += p.Sum();
                float m = m0, l = l0;
                float[] o = [.. o0];
                TileSoftmax.Update(width, s, ref m, ref l, o);
                return m == (float)mNew && Math.Abs(l - lExpected) <= 1e-5 * lExpected
                    && s.Select((x, j) => Math.Abs(x - p[j]) <= 1e-6 * (1 + p[j])).All(ok => ok)
                    && o.Select((x, c) => Math.Abs(x - (alpha * o0[c])) <= 1e-6 * (1 + Math.Abs(alpha * o0[c]))).All(ok => ok);
            }, iter: 500);
    }
}
