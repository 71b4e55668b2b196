using Attention;
using CsCheck;

namespace Attention.Tests;

public class RopeTests
{
    private static readonly Gen<RopeLayout> Layouts = Gen.OneOf(RopeLayout.Interleaved, RopeLayout.RotateHalf);
    private static readonly Gen<double> Bases = Gen.OneOf(100.0, 10000.0, 500000.0);

    /// <summary>Pair i as the test defines it: (2i, 2i+1) interleaved, (i, i + d/2) rotate-half.</summary>
    private static (int A, int B) PairOf(int i, int d, RopeLayout layout) =>
        layout == RopeLayout.Interleaved ? (2 * i, 2 * i + 1) : (i, i + d / 2);

    /// <summary>R_m x in float64, straight from the definition.</summary>
    private static double[] Rotate(ReadOnlySpan<float> x, int m, RopeLayout layout, double theta)
    {
        int d = x.Length;
        var y = new double[d];
        for (int i = 0; i < d / 2; i++)
        {
            double angle = m * Math.Pow(theta, -2.0 * i / d);
            var (a, b) = PairOf(i, d, layout);
            y[a] = x[a] * Math.Cos(angle) - x[b] * Math.Sin(angle);
            y[b] = x[a] * Math.Sin(angle) + x[b] * Math.Cos(angle);
        }

        return y;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int e = 0; e < a.Length; e++)
        {
            sum += (double)a[e] * b[e];
        }

        return sum;
    }

    private static double Norm(ReadOnlySpan<float> a) => Math.Sqrt(Dot(a, a));

    [Fact]
    public void MatchesFloat64Rotation()
    {
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[1, 5], Gen.Int[1, 8], Gen.Int[0, 5000], Layouts, Bases, Gen.Int[0, 1_000_000])
            .Sample((B, H, N, halfD, start, layout, theta, seed) =>
            {
                int d = 2 * halfD;
                var X = Tensor.Random(seed, [B, H, N, d]);
                Tensor Y = Rope.Apply(X, start, layout, theta);
                for (int b = 0; b < B; b++)
                {
                    for (int h = 0; h < H; h++)
                    {
                        for (int n = 0; n < N; n++)
                        {
                            double[] expected = Rotate(X.Row(b, h, n), start + n, layout, theta);
                            for (int e = 0; e < d; e++)
                            {
                                Assert.True(Math.Abs(Y[b, h, n, e] - expected[e]) < 1e-5, $"({b},{h},{n},{e}) at position {start + n}");
                            }
                        }
                    }
                }
            }, iter: 100);
    }

    [Fact]
    public void PreservesNorms()
    {
        Gen.Select(Gen.Int[1, 16], Gen.Int[0, 100_000], Layouts, Bases, Gen.Int[0, 1_000_000]).Sample((halfD, start, layout, theta, seed) =>
        {
            var X = Tensor.Random(seed, [1, 2, 4, 2 * halfD]);
            Tensor Y = Rope.Apply(X, start, layout, theta);
            for (int h = 0; h < 2; h++)
            {
                for (int n = 0; n < 4; n++)
                {
                    double before = Norm(X.Row(0, h, n)), after = Norm(Y.Row(0, h, n));
                    Assert.True(Math.Abs(before - after) < 1e-5 * (1 + before), $"|x| = {before}, |R x| = {after}");
                }
            }
        }, iter: 100);
    }

    [Fact]
    public void ScoreDependsOnlyOnRelativePosition()
    {
        Gen.Select(Gen.Int[1, 16], Gen.Int[0, 2000], Gen.Int[0, 2000], Gen.Int[1, 2000], Layouts, Bases, Gen.Int[0, 1_000_000])
            .Sample((halfD, m, n, shift, layout, theta, seed) =>
            {
                int d = 2 * halfD;
                var q = Tensor.Random(seed, [1, 1, 1, d]);
                var k = Tensor.Random(seed + 1, [1, 1, 1, d]);
                double score = Dot(Rope.Apply(q, m, layout, theta).Row(0, 0, 0), Rope.Apply(k, n, layout, theta).Row(0, 0, 0));
                double shifted = Dot(Rope.Apply(q, m + shift, layout, theta).Row(0, 0, 0), Rope.Apply(k, n + shift, layout, theta).Row(0, 0, 0));
                double tolerance = 1e-5 * Norm(q.Row(0, 0, 0)) * Norm(k.Row(0, 0, 0));
                Assert.True(Math.Abs(score - shifted) < tolerance, $"⟨R_m q, R_n k⟩ = {score} but shifted by {shift}: {shifted}");

                // And the score does see the offset: the float64 definition at m − n matches.
                double exact = 0;
                double[] rq = Rotate(q.Row(0, 0, 0), m - n + 4000, layout, theta), rk = Rotate(k.Row(0, 0, 0), 4000, layout, theta);
                for (int e = 0; e < d; e++)
                {
                    exact += rq[e] * rk[e];
                }

                Assert.True(Math.Abs(score - exact) < tolerance, $"score {score}, float64 at offset {m - n}: {exact}");
            }, iter: 150);
    }

    [Fact]
    public void PositionZeroIsIdentity()
    {
        var X = Tensor.Random(3, [2, 3, 1, 8]);
        foreach (var layout in new[] { RopeLayout.Interleaved, RopeLayout.RotateHalf })
        {
            Assert.Equal(X.Data, Rope.Apply(X, 0, layout).Data);
            Assert.Equal(X.Data, Rope.Apply(X, [0], layout, 500000).Data);
        }
    }

    [Fact]
    public void ChunkAtStartPositionMatchesSliceOfWholeSequence()
    {
        var X = Tensor.Random(5, [2, 2, 9, 6]);
        foreach (var layout in new[] { RopeLayout.Interleaved, RopeLayout.RotateHalf })
        {
            Tensor whole = Rope.Apply(X, 0, layout);
            Tensor tail = Rope.Apply(DecoderCase.Tokens(X, 4, 5), 4, layout);
            Assert.Equal(DecoderCase.Tokens(whole, 4, 5).Data, tail.Data);
            Assert.Equal(tail.Data, Rope.Apply(DecoderCase.Tokens(X, 4, 5), [4, 5, 6, 7, 8], layout).Data);
        }
    }

    [Fact]
    public void LayoutsAgreeOnlyAfterPermutingDimensions()
    {
        Gen.Select(Gen.Int[2, 16], Gen.Int[1, 3000], Gen.Int[0, 3000], Bases, Gen.Int[0, 1_000_000]).Sample((halfD, m, n, theta, seed) =>
        {
            int d = 2 * halfD;

            // Dimension 2i of the interleaved layout is dimension i of rotate-half; 2i + 1 is i + d/2.
            var perm = new int[d];
            for (int i = 0; i < halfD; i++)
            {
                (perm[2 * i], perm[2 * i + 1]) = (i, i + halfD);
            }

            Assert.Equal(perm, Rope.InterleavedToRotateHalf(d));
            Tensor Permute(Tensor x)
            {
                var y = new Tensor(x.Shape);
                for (int t = 0; t < x.Dim(2); t++)
                {
                    for (int e = 0; e < d; e++)
                    {
                        y[0, 0, t, perm[e]] = x[0, 0, t, e];
                    }
                }

                return y;
            }

            var q = Tensor.Random(seed, [1, 1, 1, d]);
            var k = Tensor.Random(seed + 1, [1, 1, 1, d]);

            // RotateHalf(P x) = P Interleaved(x): the same rotation once the weights' output columns are permuted.
            Tensor viaInterleaved = Permute(Rope.Apply(q, m, RopeLayout.Interleaved, theta));
            Tensor viaRotateHalf = Rope.Apply(Permute(q), m, RopeLayout.RotateHalf, theta);
            Assert.True(Reference.MaxAbsDiff(viaInterleaved, viaRotateHalf) < 1e-6);

            double scoreInterleaved = Dot(Rope.Apply(q, m, RopeLayout.Interleaved, theta).Row(0, 0, 0), Rope.Apply(k, n, RopeLayout.Interleaved, theta).Row(0, 0, 0));
            double scorePermuted = Dot(Rope.Apply(Permute(q), m, RopeLayout.RotateHalf, theta).Row(0, 0, 0), Rope.Apply(Permute(k), n, RopeLayout.RotateHalf, theta).Row(0, 0, 0));
            Assert.True(Math.Abs(scoreInterleaved - scorePermuted) < 1e-4);
        }, iter: 100);
    }

    [Fact]
    public void WeightsAreNotInterchangeableBetweenLayouts()
    {
        // Same q and k, same positions, no permutation: the two layouts rotate different pairs, so the rotated
        // vectors and the attention scores differ (d = 2 is the one size where both pairings coincide).
        var q = Tensor.Random(11, [1, 1, 1, 8]);
        var k = Tensor.Random(12, [1, 1, 1, 8]);
        foreach (double theta in new[] { 10000.0, 500000.0 })
        {
            foreach (var (m, n) in new[] { (5, 2), (100, 37), (1, 0) })
            {
                Tensor qi = Rope.Apply(q, m, RopeLayout.Interleaved, theta), qh = Rope.Apply(q, m, RopeLayout.RotateHalf, theta);
                Assert.True(Reference.MaxAbsDiff(qi, qh) > 0.05);
                double si = Dot(qi.Row(0, 0, 0), Rope.Apply(k, n, RopeLayout.Interleaved, theta).Row(0, 0, 0));
                double sh = Dot(qh.Row(0, 0, 0), Rope.Apply(k, n, RopeLayout.RotateHalf, theta).Row(0, 0, 0));
                Assert.True(Math.Abs(si - sh) > 0.01, $"m={m}, n={n}, base {theta}: {si} vs {sh}");
            }
        }
    }

    [Theory]
    [InlineData(2, 10000.0)]
    [InlineData(8, 10000.0)]
    [InlineData(128, 500000.0)]
    public void FrequenciesFollowTheFormula(int d, double theta)
    {
        float[] f = Rope.Frequencies(d, theta);
        Assert.Equal(d / 2, f.Length);
        Assert.Equal(1f, f[0]);
        for (int i = 0; i < d / 2; i++)
        {
            Assert.Equal(Math.Exp(-2.0 * i / d * Math.Log(theta)), f[i], 1e-6 * f[i]);
        }
    }

    [Fact]
    public void BadInputIsRejectedWithShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Rope.Apply(new Tensor(1, 2, 3, 5), 0, RopeLayout.Interleaved));
        Assert.Equal("X", ex.ParamName);
        Assert.Contains("[1, 2, 3, 5]", ex.Message);
        Assert.Contains("even", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Rope.Apply(new Tensor(2, 3, 4), 0, RopeLayout.Interleaved));
        Assert.Equal("X", ex.ParamName);
        Assert.Contains("[2, 3, 4]", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Rope.Apply(new Tensor(1, 1, 3, 4), [0, 1], RopeLayout.RotateHalf));
        Assert.Equal("positions", ex.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>("startPosition", () => Rope.Apply(new Tensor(1, 1, 3, 4), -1, RopeLayout.RotateHalf));
        Assert.Throws<ArgumentException>("headDim", () => Rope.Frequencies(7));
        Assert.Throws<ArgumentOutOfRangeException>("theta", () => Rope.Frequencies(8, 0.5));
    }
}
