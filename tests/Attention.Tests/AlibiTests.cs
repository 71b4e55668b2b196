using Attention;
using CsCheck;

namespace Attention.Tests;

public class AlibiTests
{
    /// <summary>The ALiBi reference code's get_slopes, in float64, recursive as in the original.</summary>
    private static List<double> ReferenceSlopes(int n)
    {
        static List<double> PowerOfTwo(int n)
        {
            double start = Math.Pow(2, -Math.Pow(2, -(Math.Log2(n) - 3)));
            return [.. Enumerable.Range(0, n).Select(i => start * Math.Pow(start, i))];
        }

        if (Math.Log2(n) == Math.Floor(Math.Log2(n)))
        {
            return PowerOfTwo(n);
        }

        int closest = 1 << (int)Math.Floor(Math.Log2(n));
        return [.. PowerOfTwo(closest), .. ReferenceSlopes(2 * closest).Where((_, i) => i % 2 == 0).Take(n - closest)];
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int h = 0; h < expected.Length; h++)
        {
            Assert.True(Math.Abs(expected[h] - actual[h]) < 1e-15, $"slope {h}: expected {expected[h]}, got {actual[h]}");
        }
    }

    [Fact]
    public void SlopesMatchReferenceCodeForOneTo64Heads()
    {
        for (int n = 1; n <= 64; n++)
        {
            double[] slopes = Alibi.Slopes(n);
            List<double> expected = ReferenceSlopes(n);
            Assert.Equal(n, slopes.Length);
            for (int h = 0; h < n; h++)
            {
                Assert.True(Math.Abs(slopes[h] - expected[h]) < 1e-12 * expected[h], $"n = {n}, head {h}: {slopes[h]} vs {expected[h]}");
            }
        }
    }

    [Fact]
    public void EightHeadsHaveSlopesOneHalfToOne256th()
    {
        AssertClose([1 / 2.0, 1 / 4.0, 1 / 8.0, 1 / 16.0, 1 / 32.0, 1 / 64.0, 1 / 128.0, 1 / 256.0], Alibi.Slopes(8));
    }

    [Fact]
    public void TwelveHeadsTakeEveryOtherSlopeOfSixteen()
    {
        // p = 8 gives 2^−1 .. 2^−8; 16 heads would be 2^−0.5, 2^−1, 2^−1.5, …; every other one from the first: 2^−0.5, 2^−1.5, …
        double[] expected =
        [
            1 / 2.0, 1 / 4.0, 1 / 8.0, 1 / 16.0, 1 / 32.0, 1 / 64.0, 1 / 128.0, 1 / 256.0,
            Math.Pow(2, -0.5), Math.Pow(2, -1.5), Math.Pow(2, -2.5), Math.Pow(2, -3.5),
        ];
        AssertClose(expected, Alibi.Slopes(12));
        AssertClose([1 / 256.0], Alibi.Slopes(1));
    }

    [Fact]
    public void BiasIsMinusSlopeTimesDistanceWithBottomRightPositions()
    {
        Gen.Select(Gen.Int[1, 12], Gen.Int[1, 6], Gen.Int[1, 9]).Sample((heads, L, S) =>
        {
            Tensor bias = Alibi.Bias(heads, L, S);
            Assert.Equal([1, heads, L, S], bias.Shape);
            List<double> m = ReferenceSlopes(heads);
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < L; i++)
                {
                    int position = i + S - L;
                    for (int j = 0; j < S; j++)
                    {
                        Assert.Equal(-m[h] * (position - j), bias[0, h, i, j], 1e-6);

                        // Only i − j matters: moving query and key together changes nothing.
                        if (i + 1 < L && j + 1 < S)
                        {
                            Assert.Equal(bias[0, h, i, j], bias[0, h, i + 1, j + 1]);
                        }
                    }
                }
            }
        }, iter: 100);
    }

    [Fact]
    public void RowLogitsShiftByTheSameAmountSoDecodeRowsMatchTheFullMatrix()
    {
        // A decode step's single row (L = 1 against the first p + 1 keys) and row p of the full N × N bias differ by
        // nothing, and any row of biases is a constant plus m_h·j: softmax sees the same distances either way.
        const int heads = 6, N = 7;
        Tensor full = Alibi.Bias(heads, N, N);
        for (int p = 0; p < N; p++)
        {
            Tensor row = Alibi.Bias(heads, 1, p + 1);
            for (int h = 0; h < heads; h++)
            {
                for (int j = 0; j <= p; j++)
                {
                    Assert.Equal(full[0, h, p, j], row[0, h, 0, j]);
                    if (j > 0)
                    {
                        Assert.Equal(Alibi.Slopes(heads)[h], row[0, h, 0, j] - row[0, h, 0, j - 1], 1e-6);
                    }
                }
            }
        }
    }

    [Fact]
    public void CachedDecodeWithAlibiEqualsFullForward()
    {
        DecoderCase.Cases.Sample(c =>
        {
            Tensor Q = c.Q, K = c.K, V = c.V;
            List<double> m = ReferenceSlopes(c.Hq);
            var expected = Reference.Attention(Q, K, V, visible: (_, _, i, j) => j <= i, bias: (_, h, i, j) => -m[h] * (i - j));
            Tensor full = ScaledDotProductAttention.Forward(Q, K, V, bias: Alibi.Bias(c.Hq, c.N, c.N), causal: CausalAlignment.TopLeft);
            Assert.True(Reference.MaxAbsDiff(full, expected) < 1e-5);

            foreach (var (P, step) in c.Splits())
            {
                var cache = new KvCache(c.B, c.KvHeads, c.D, c.Dv, capacity: c.N);
                Tensor O = c.Run(
                    P,
                    step,
                    (from, n) => CachedAttention.Prefill(
                        cache, DecoderCase.Tokens(Q, from, n), DecoderCase.Tokens(K, from, n), DecoderCase.Tokens(V, from, n),
                        bias: Alibi.Bias(c.Hq, n, n)),
                    (from, n) => CachedAttention.Decode(
                        cache, DecoderCase.Tokens(Q, from, n), DecoderCase.Tokens(K, from, n), DecoderCase.Tokens(V, from, n),
                        bias: Alibi.Bias(c.Hq, n, cache.Length + n)));
                double diff = Reference.MaxAbsDiff(O, expected);
                Assert.True(diff < 1e-5, $"prompt {P}, step {step}: max |cached − float64| = {diff}");
            }
        }, iter: 20);
    }

    [Fact]
    public void BadSizesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>("heads", () => Alibi.Slopes(0));
        Assert.Throws<ArgumentOutOfRangeException>("queries", () => Alibi.Bias(4, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>("keys", () => Alibi.Bias(4, 2, 0));
    }
}
