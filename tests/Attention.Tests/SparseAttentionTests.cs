using Attention;
using CsCheck;

namespace Attention.Tests;

public class SparseAttentionTests
{
    /// <summary>A random problem and one of the course's sparse patterns (or a random per-head mask).</summary>
    public sealed record Case(int B, int H, int Group, int L, int S, int E, int BlockSize, int Kind, int Param, int Seed)
    {
        public int Hq => H * Group;

        public Tensor Q => Tensor.Random(Seed, [B, Hq, L, E]);

        public Tensor K => Tensor.Random(Seed + 1, [B, H, S, E]);

        public Tensor V => Tensor.Random(Seed + 2, [B, H, S, 3]);

        public Mask Pattern()
        {
            var rng = new Random(Seed);
            int offset = S - L;
            switch (Kind)
            {
                case 0:
                    return SparseAttention.SlidingWindow(L, S, Param);
                case 1:
                    int layoutBlock = 1 + (Param % 4);
                    var layout = new bool[(L + layoutBlock - 1) / layoutBlock, (S + layoutBlock - 1) / layoutBlock];
                    for (int qb = 0; qb < layout.GetLength(0); qb++)
                    {
                        for (int kb = 0; kb < layout.GetLength(1); kb++)
                        {
                            layout[qb, kb] = rng.Next(3) == 0;
                        }
                    }

                    return SparseAttention.BlockSparse(layout, layoutBlock, L, S);
                case 2:
                    return SparseAttention.Dilated(L, S, Param, 1 + (Seed % 3));
                case 3:
                    return SparseAttention.GlobalTokens(L, S, [Param % S], SparseAttention.SlidingWindow(L, S, 2));
                default:
                    // A per-batch, per-head random mask, to exercise broadcasting and per-head block skipping.
                    var allowed = new bool[B * Hq * L * S];
                    for (int n = 0; n < allowed.Length; n++)
                    {
                        allowed[n] = rng.Next(4) == 0;
                    }

                    return new Mask(allowed, B, Hq, L, S);
            }
        }
    }

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 2], Gen.Int[1, 2], Gen.Int[1, 12], Gen.Int[1, 12], Gen.Int[1, 5])
            .SelectMany(t => Gen.Select(Gen.Int[1, 6], Gen.Int[0, 4], Gen.Int[1, 6], Gen.Int[0, 100_000])
                .Select((block, kind, param, seed) => new Case(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, block, kind, param, seed)));

    [Fact]
    public void BlockSkippingEqualsDenseAttentionWithTheSameMask()
    {
        Cases.Sample(c =>
        {
            var (Q, K, V, pattern) = (c.Q, c.K, c.V, c.Pattern());
            Tensor sparse = SparseAttention.Forward(Q, K, V, pattern, c.BlockSize);
            Tensor dense = ScaledDotProductAttention.Forward(Q, K, V, mask: pattern);
            Assert.True(Reference.MaxAbsDiff(sparse, dense) < 1e-5);
            double[,,,] exact = Reference.Attention(Q, K, V, visible: pattern.IsVisible);
            Assert.True(Reference.MaxAbsDiff(sparse, exact) < 1e-5);
        }, iter: 150);
    }

    [Fact]
    public void CountsTheTilesWithoutAVisiblePair()
    {
        Cases.Sample(c =>
        {
            Mask pattern = c.Pattern();
            var result = SparseAttention.ForwardWithBlockCounts(c.Q, c.K, c.V, pattern, c.BlockSize);
            int bs = c.BlockSize, skipped = 0, total = 0;
            for (int b = 0; b < c.B; b++)
            {
                for (int h = 0; h < c.Hq; h++)
                {
                    for (int i0 = 0; i0 < c.L; i0 += bs)
                    {
                        for (int j0 = 0; j0 < c.S; j0 += bs)
                        {
                            bool any = false;
                            for (int i = i0; i < Math.Min(c.L, i0 + bs); i++)
                            {
                                for (int j = j0; j < Math.Min(c.S, j0 + bs); j++)
                                {
                                    any |= pattern.IsVisible(b, h, i, j);
                                }
                            }

                            skipped += any ? 0 : 1;
                            total++;
                        }
                    }
                }
            }

            Assert.Equal(skipped, result.SkippedBlocks);
            Assert.Equal(total, result.TotalBlocks);
        }, iter: 200);
    }

    [Fact]
    public void SlidingWindowOfTwoOverEightTokensSkipsAllButTheBand()
    {
        var X = Tensor.Random(3, [1, 1, 8, 2]);
        var result = SparseAttention.ForwardWithBlockCounts(X, X, X, SparseAttention.SlidingWindow(8, 8, 2), 2);
        Assert.Equal(16, result.TotalBlocks);
        Assert.Equal(4 + 3, result.ComputedBlocks); // diagonal tiles and the ones just below
    }

    [Fact]
    public void PatternsMatchTheirDefinitions()
    {
        for (int L = 1; L <= 6; L++)
        {
            for (int S = L; S <= 8; S++)
            {
                int offset = S - L;
                for (int W = 1; W <= 4; W++)
                {
                    for (int r = 1; r <= 3; r++)
                    {
                        Mask dilated = SparseAttention.Dilated(L, S, W, r);
                        for (int i = 0; i < L; i++)
                        {
                            var expected = Enumerable.Range(0, W).Select(k => i + offset - (k * r)).Where(j => j >= 0).ToHashSet();
                            for (int j = 0; j < S; j++)
                            {
                                Assert.Equal(expected.Contains(j), dilated[i, j]);
                                Assert.Equal(i + offset - j is >= 0 and < 2, SparseAttention.SlidingWindow(L, S, 2)[i, j]);
                            }
                        }
                    }
                }
            }
        }

        var layout = new bool[,] { { true, false }, { false, true } };
        Mask block = SparseAttention.BlockSparse(layout, 2, 3, 4);
        Assert.Equal("■■··\n■■··\n··■■\n", block.ToText());
    }

    [Fact]
    public void GlobalTokensSeeAndAreSeenByAll()
    {
        var Q = Tensor.Random(5, [1, 1, 9, 4]);
        Mask pattern = SparseAttention.GlobalTokens(9, 9, [0, 5], SparseAttention.SlidingWindow(9, 9, 2));
        Tensor weights = ScaledDotProductAttention.ForwardWithWeights(Q, Q, Q, mask: pattern).Weights!;
        for (int i = 0; i < 9; i++)
        {
            Assert.True(weights[0, 0, i, 0] > 0);
            Assert.True(weights[0, 0, i, 5] > 0);
            Assert.All(weights.Row(0, 0, 5).ToArray().Concat(weights.Row(0, 0, 0).ToArray()), w => Assert.True(w > 0));
            for (int j = 0; j < 9; j++)
            {
                bool expected = j is 0 or 5 || i is 0 or 5 || (i - j is 0 or 1);
                Assert.True(expected == pattern[i, j], $"({i}, {j}): {pattern[i, j]}");
            }
        }
    }

    [Fact]
    public void DensityCountsVisiblePairs()
    {
        Assert.Equal(1.0, SparseAttention.Density(Mask.Full(3, 5)));
        Assert.Equal(10.0 / 16, SparseAttention.Density(Mask.Causal(4, 4)));
        Assert.Equal((1 + 2 + 2 + 2 + 2) / 25.0, SparseAttention.Density(SparseAttention.SlidingWindow(5, 5, 2)), 12);
    }

    [Fact]
    public void ErrorIsZeroExactlyWhenThePatternCoversEverything()
    {
        var Q = Tensor.Random(7, [1, 2, 10, 4]);
        var K = Tensor.Random(8, [1, 2, 10, 4]);
        var V = Tensor.Random(9, [1, 2, 10, 3]);
        Assert.Equal(new SparseError(0, 0), SparseAttention.ErrorAgainstExact(Q, K, V, Mask.Full(10, 10)));
        Assert.Equal(new SparseError(0, 0), SparseAttention.ErrorAgainstExact(Q, K, V, Mask.Full(10, 10), CausalAlignment.TopLeft));
        Assert.Equal(new SparseError(0, 0), SparseAttention.ErrorAgainstExact(Q, K, V, SparseAttention.SlidingWindow(10, 10, 10), CausalAlignment.TopLeft));

        var local = SparseAttention.ErrorAgainstExact(Q, K, V, SparseAttention.SlidingWindow(10, 10, 3), CausalAlignment.TopLeft);
        Assert.True(local.MaxAbs > 0 && local.RelativeL2 > 0);

        // The float64 definition of the relative error.
        Tensor dense = ScaledDotProductAttention.Forward(Q, K, V, causal: CausalAlignment.TopLeft);
        Tensor sparse = ScaledDotProductAttention.Forward(Q, K, V, mask: SparseAttention.SlidingWindow(10, 10, 3));
        double diff = Math.Sqrt(dense.Data.Zip(sparse.Data).Sum(p => Math.Pow((double)p.First - p.Second, 2)));
        double norm = Math.Sqrt(dense.Data.Sum(x => (double)x * x));
        Assert.Equal(diff / norm, local.RelativeL2, 10);
        Assert.Equal(Reference.MaxAbsDiff(dense, sparse), local.MaxAbs, 6);
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        var X = new Tensor(1, 1, 4, 2);
        Assert.Equal("blockSize", Assert.Throws<ArgumentOutOfRangeException>(() => SparseAttention.Forward(X, X, X, Mask.Full(4, 4), 0)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => SparseAttention.Forward(X, X, X, Mask.Full(3, 4), 2));
        Assert.Equal("pattern", ex.ParamName);
        Assert.Contains("[1, 1, 4, 4]", ex.Message);
        Assert.Contains("[3, 4]", ex.Message);
        var layoutEx = Assert.Throws<ArgumentException>(() => SparseAttention.BlockSparse(new bool[2, 2], 2, 4, 6));
        Assert.Equal("layout", layoutEx.ParamName);
        Assert.Contains("[2, 3]", layoutEx.Message);
        Assert.Equal("positions", Assert.Throws<ArgumentOutOfRangeException>(() => SparseAttention.GlobalTokens(4, 4, [4])).ParamName);
        Assert.Equal("dilation", Assert.Throws<ArgumentOutOfRangeException>(() => SparseAttention.Dilated(4, 4, 2, 0)).ParamName);
    }
}
