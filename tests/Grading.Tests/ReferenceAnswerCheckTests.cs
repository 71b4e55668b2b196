using Attention;
using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// The reference answers judge every student, so each new one is checked against an independent computation: a brute
/// force that does the work and counts it, or the library's own math applied the long way round.
/// </summary>
public class ReferenceAnswerCheckTests
{
    [Theory]
    [InlineData(1, 1, 1, 0, 1)]
    [InlineData(3, 4, 5, 2, 7)]
    [InlineData(2, 6, 3, 4, 11)]
    public void LatentDecodeCountsAreTheMultiplyAddsTheTwoFormsPerform(int h, int dh, int dc, int dR, int n)
    {
        var count = (long[])Reference("7.1a").DynamicInvoke(h, dh, dc, dR, n)!;

        // Run both forms on random numbers with a counter on every multiply-add, and check they agree as well.
        var r = new Random(h + dh + dc + dR + n);
        double[] Vec(int k) => [.. Enumerable.Range(0, k).Select(_ => r.NextDouble() - 0.5)];
        double[][] Mat(int rows, int cols) => [.. Enumerable.Range(0, rows).Select(_ => Vec(cols))];
        double[][] cache = Mat(n, dc), kRope = Mat(n, dR), WUk = Mat(dc, h * dh), WUv = Mat(dc, h * dh), qContent = Mat(h, dh), qRope = Mat(h, dR);
        long macs = 0;
        double Mac(double a, double b)
        {
            macs++;
            return a * b;
        }

        double[] Softmax(double[] s) => [.. s.Select(v => Math.Exp(v - s.Max()) / s.Sum(u => Math.Exp(u - s.Max())))];

        var explicitOut = new double[h, dh];
        for (int a = 0; a < h; a++)
        {
            double[][] K = [.. Enumerable.Range(0, n).Select(j => Enumerable.Range(0, dh).Select(e => Enumerable.Range(0, dc).Sum(t => Mac(cache[j][t], WUk[t][(a * dh) + e]))).ToArray())];
            double[][] V = [.. Enumerable.Range(0, n).Select(j => Enumerable.Range(0, dh).Select(e => Enumerable.Range(0, dc).Sum(t => Mac(cache[j][t], WUv[t][(a * dh) + e]))).ToArray())];
            double[] p = Softmax([.. Enumerable.Range(0, n).Select(j => Enumerable.Range(0, dh).Sum(e => Mac(qContent[a][e], K[j][e])) + Enumerable.Range(0, dR).Sum(e => Mac(qRope[a][e], kRope[j][e])))]);
            for (int e = 0; e < dh; e++)
            {
                explicitOut[a, e] = Enumerable.Range(0, n).Sum(j => Mac(p[j], V[j][e]));
            }
        }

        long explicitMacs = macs;
        macs = 0;
        var absorbedOut = new double[h, dh];
        for (int a = 0; a < h; a++)
        {
            double[] qLatent = [.. Enumerable.Range(0, dc).Select(t => Enumerable.Range(0, dh).Sum(e => Mac(qContent[a][e], WUk[t][(a * dh) + e])))];
            double[] p = Softmax([.. Enumerable.Range(0, n).Select(j => Enumerable.Range(0, dc).Sum(t => Mac(qLatent[t], cache[j][t])) + Enumerable.Range(0, dR).Sum(e => Mac(qRope[a][e], kRope[j][e])))]);
            double[] latentSum = [.. Enumerable.Range(0, dc).Select(t => Enumerable.Range(0, n).Sum(j => Mac(p[j], cache[j][t])))];
            for (int e = 0; e < dh; e++)
            {
                absorbedOut[a, e] = Enumerable.Range(0, dc).Sum(t => Mac(latentSum[t], WUv[t][(a * dh) + e]));
            }
        }

        Assert.Equal([explicitMacs, macs], count);
        for (int a = 0; a < h; a++)
        {
            for (int e = 0; e < dh; e++)
            {
                Assert.Equal(explicitOut[a, e], absorbedOut[a, e], 1e-9);
            }
        }
    }

    [Theory]
    [InlineData(3, 4, 0, 2)]
    [InlineData(2, 8, 5, 9)]
    [InlineData(2, 6, -3, 7)]
    public void TheRotatedKeyProjectionTurnsRopeScoresIntoOneMatrix(int dc, int dh, int delta, int m)
    {
        Tensor WUk = Tensor.Random(dc + dh, [dc, dh]);
        var A = (Tensor)Reference("7.1b").DynamicInvoke(WUk, delta)!;
        Tensor q = Tensor.Random(1, [1, 1, 1, dh]), c = Tensor.Random(2, [1, dc]);
        int n = m + delta;
        Tensor rotatedQ = Rope.Apply(q, m, RopeLayout.RotateHalf);
        Tensor rotatedK = Rope.Apply(c.MatMul(WUk).Reshape(1, 1, 1, dh), n, RopeLayout.RotateHalf);
        double withRope = Enumerable.Range(0, dh).Sum(e => (double)rotatedQ.Data[e] * rotatedK.Data[e]);
        double absorbed = Enumerable.Range(0, dh).Sum(e => (double)q.Data[e] * c.MatMul(A).Data[e]);
        Assert.Equal(withRope, absorbed, 1e-4);
    }

    private static Delegate Reference(string id) => HiddenCaseTests.Compile(Exercises.Get(id), ReferenceAnswers.Code(id));
}
