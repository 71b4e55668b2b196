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

    [Theory]
    [InlineData(2, 3, 5, 1)]
    [InlineData(1, 1, 4, 2)]
    [InlineData(3, 4, 4, 3)]
    public void AlibiSlopeGradientsAreTheLossSlopesByFiniteDifferences(int H, int L, int S, int seed)
    {
        Tensor Q = Tensor.Random(seed, [H, L, 3]), K = Tensor.Random(seed + 1, [H, S, 3]), V = Tensor.Random(seed + 2, [H, S, 2]), dO = Tensor.Random(seed + 3, [H, L, 2]);
        double[] slopes = [.. Enumerable.Range(0, H).Select(h => 0.2 + (0.3 * h))];
        var analytic = (double[])Reference("7.5a").DynamicInvoke(Q, K, V, slopes, dO)!;

        // The loss Σ O ⊙ dO through the library's attention with the bias built from the slopes, in float32.
        double Loss(double[] m)
        {
            var bias = new Tensor(1, H, L, S);
            for (int h = 0; h < H; h++)
            {
                for (int i = 0; i < L; i++)
                {
                    for (int j = 0; j < S; j++)
                    {
                        bias[0, h, i, j] = (float)(-m[h] * (i + S - L - j));
                    }
                }
            }

            Tensor O = ScaledDotProductAttention.Forward(Q.Reshape(1, H, L, 3), K.Reshape(1, H, S, 3), V.Reshape(1, H, S, 2), bias: bias, causal: CausalAlignment.BottomRight);
            return O.Data.Zip(dO.Data, (o, g) => (double)o * g).Sum();
        }

        for (int h = 0; h < H; h++)
        {
            double[] plus = (double[])slopes.Clone(), minus = (double[])slopes.Clone();
            plus[h] += 1e-2;
            minus[h] -= 1e-2;
            double numeric = (Loss(plus) - Loss(minus)) / 2e-2;
            Assert.True(Math.Abs(numeric - analytic[h]) < 2e-3 + (2e-2 * Math.Abs(numeric)), $"head {h}: analytic {analytic[h]}, finite difference {numeric}");
        }
    }

    [Theory]
    [InlineData(4, 2, 1)]
    [InlineData(3, 1, 2)]
    [InlineData(2, 2, 3)]
    public void GroupedKvGradientsAreTheLossSlopesByFiniteDifferences(int Hq, int H, int seed)
    {
        int L = 3, S = 4, d = 2, dv = 3;
        Tensor Q = Tensor.Random(seed, [Hq, L, d]), K = Tensor.Random(seed + 1, [H, S, d]), V = Tensor.Random(seed + 2, [H, S, dv]), dO = Tensor.Random(seed + 3, [Hq, L, dv]);
        var grads = (Tensor)Reference("7.5b").DynamicInvoke(Q, K, V, dO)!;
        double Loss() => ScaledDotProductAttention.Forward(Q.Reshape(1, Hq, L, d), K.Reshape(1, H, S, d), V.Reshape(1, H, S, dv)).Data.Zip(dO.Data, (o, g) => (double)o * g).Sum();
        foreach (var (tensor, offset, width) in new[] { (K, 0, d), (V, d, dv) })
        {
            for (int k = 0; k < tensor.Length; k++)
            {
                float original = tensor.Data[k];
                tensor.Data[k] = original + 1e-2f;
                double plus = Loss();
                tensor.Data[k] = original - 1e-2f;
                double minus = Loss();
                tensor.Data[k] = original;
                double numeric = (plus - minus) / 2e-2, analytic = grads.Data[(k / width * (d + dv)) + offset + (k % width)];
                Assert.True(Math.Abs(numeric - analytic) < 2e-3 + (2e-2 * Math.Abs(numeric)), $"entry {k} at offset {offset}: analytic {analytic}, finite difference {numeric}");
            }
        }
    }

    [Theory]
    [InlineData(10, 4, 3, 4)]
    [InlineData(12, 3, 5, 4)]
    [InlineData(1, 5, 0, 3)]
    [InlineData(7, 1, 9, 2)]
    [InlineData(33, 6, 17, 8)]
    public void BlocksForParallelSamplingIsWhatACopyOnWriteSimulationHolds(int prompt, int samples, int generated, int blockSize)
    {
        // Reference-counted blocks; samples write one token each in turn; a shared block is copied before a write.
        var refs = new Dictionary<int, int>();
        int nextBlock = 0;
        var promptBlocks = new List<int>();
        for (int t = 0; t < prompt; t += blockSize)
        {
            promptBlocks.Add(nextBlock);
            refs[nextBlock++] = samples;
        }

        var tables = Enumerable.Range(0, samples).Select(_ => new List<int>(promptBlocks)).ToArray();
        var lengths = Enumerable.Repeat(prompt, samples).ToArray();
        for (int step = 0; step < generated; step++)
        {
            for (int k = 0; k < samples; k++)
            {
                if (lengths[k] % blockSize == 0)
                {
                    tables[k].Add(nextBlock);
                    refs[nextBlock++] = 1;
                }
                else if (refs[tables[k][^1]] > 1)
                {
                    refs[tables[k][^1]]--;
                    tables[k][^1] = nextBlock;
                    refs[nextBlock++] = 1;
                }

                lengths[k]++;
            }
        }

        long inUse = refs.Count(r => r.Value > 0);
        Assert.Equal(inUse, (long)Reference("7.4a").DynamicInvoke(prompt, samples, generated, blockSize)!);
    }

    [Theory]
    [InlineData(new[] { 2, 5 }, 1, 8)]
    [InlineData(new[] { 1, 6, 3 }, 0, 3)]
    [InlineData(new[] { 4 }, 4, 2)]
    public void PaddedWindowMaskFollowsPositionsNotSlots(int[] lengths, int generated, int window)
    {
        var mask = (Tensor)Reference("7.4b").DynamicInvoke(lengths, generated, window)!;
        int P = lengths.Max(), S = P + generated + 1;
        for (int b = 0; b < lengths.Length; b++)
        {
            // Sequence b's tokens, by position: the current one is at lengths[b] + generated.
            int current = lengths[b] + generated;
            for (int s = 0; s < S; s++)
            {
                int position = s - (P - lengths[b]);
                bool visible = position >= 0 && current - position < window;
                Assert.Equal(visible ? 1f : 0f, mask[b, s]);
            }
        }
    }

    private static Delegate Reference(string id) => HiddenCaseTests.Compile(Exercises.Get(id), ReferenceAnswers.Code(id));
}
