using Attention;
using CsCheck;

namespace Attention.Tests;

public class FlashAttentionTests
{
    /// <summary>A random attention problem: shapes (with GQA), block sizes that may not divide L or S, causal or not.</summary>
    public sealed record Case(int B, int H, int Group, int L, int S, int E, int Ev, int BlockQ, int BlockK, CausalAlignment? Causal, int Seed)
    {
        public int Hq => H * Group;

        public Tensor Q => Tensor.Random(Seed, [B, Hq, L, E]);

        public Tensor K => Tensor.Random(Seed + 1, [B, H, S, E]);

        public Tensor V => Tensor.Random(Seed + 2, [B, H, S, Ev]);

        public int Offset => Causal switch
        {
            CausalAlignment.TopLeft => 0,
            CausalAlignment.BottomRight => S - L,
            _ => int.MaxValue / 2,
        };

        public bool Visible(int i, int j) => j <= i + Offset;
    }

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[1, 11], Gen.Int[1, 11], Gen.Int[1, 19], Gen.Int[1, 18])
            .SelectMany(t => Gen.Select(Gen.Int[1, 13], Gen.Int[1, 13], Gen.Int[0, 2], Gen.Int[0, 100_000])
                .Select((bq, bk, c, seed) => new Case(
                    t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7, bq, bk,
                    c == 0 ? null : c == 1 ? CausalAlignment.TopLeft : CausalAlignment.BottomRight, seed)));

    [Fact]
    public void TiledEqualsScaledDotProductAttentionAndFloat64Reference()
    {
        Cases.Sample(c =>
        {
            var (Q, K, V) = (c.Q, c.K, c.V);
            var result = FlashAttention.Forward(Q, K, V, c.BlockQ, c.BlockK, c.Causal);
            Tensor dense = ScaledDotProductAttention.Forward(Q, K, V, causal: c.Causal);
            Assert.True(Reference.MaxAbsDiff(result.Output, dense) < 1e-5, $"vs SDPA: {Reference.MaxAbsDiff(result.Output, dense)}");
            double[,,,] exact = Reference.Attention(Q, K, V, visible: (_, _, i, j) => c.Visible(i, j));
            Assert.True(Reference.MaxAbsDiff(result.Output, exact) < 1e-5, $"vs float64: {Reference.MaxAbsDiff(result.Output, exact)}");
        }, iter: 150);
    }

    [Fact]
    public void LogSumExpEqualsFloat64LogSumOfExpScores()
    {
        Cases.Sample(c =>
        {
            var (Q, K) = (c.Q, c.K);
            var result = FlashAttention.Forward(Q, K, c.V, c.BlockQ, c.BlockK, c.Causal);
            Assert.Equal([c.B, c.Hq, c.L], result.LogSumExp.Shape);
            double scale = 1 / Math.Sqrt(c.E);
            for (int b = 0; b < c.B; b++)
            {
                for (int h = 0; h < c.Hq; h++)
                {
                    for (int i = 0; i < c.L; i++)
                    {
                        double sum = 0;
                        for (int j = 0; j < c.S; j++)
                        {
                            if (c.Visible(i, j))
                            {
                                double dot = Enumerable.Range(0, c.E).Sum(e => (double)Q[b, h, i, e] * K[b, h / c.Group, j, e]);
                                sum += Math.Exp(scale * dot);
                            }
                        }

                        double expected = Math.Log(sum); // −∞ when nothing is visible
                        float actual = result.LogSumExp[b, h, i];
                        Assert.True(
                            double.IsNegativeInfinity(expected) ? float.IsNegativeInfinity(actual) : Math.Abs(actual - expected) < 1e-5,
                            $"row {i}: {actual} vs {expected}");
                    }
                }
            }
        }, iter: 150);
    }

    [Fact]
    public void SkipsExactlyTheTilesWithNoVisiblePair()
    {
        Cases.Sample(c =>
        {
            var result = FlashAttention.Forward(c.Q, c.K, c.V, c.BlockQ, c.BlockK, c.Causal);
            int qBlocks = (c.L + c.BlockQ - 1) / c.BlockQ, kBlocks = (c.S + c.BlockK - 1) / c.BlockK;
            int hidden = 0;
            for (int qb = 0; qb < qBlocks; qb++)
            {
                for (int kb = 0; kb < kBlocks; kb++)
                {
                    bool any = false;
                    for (int i = qb * c.BlockQ; i < Math.Min(c.L, (qb + 1) * c.BlockQ); i++)
                    {
                        for (int j = kb * c.BlockK; j < Math.Min(c.S, (kb + 1) * c.BlockK); j++)
                        {
                            any |= c.Visible(i, j);
                        }
                    }

                    hidden += any ? 0 : 1;
                }
            }

            int perHead = c.B * c.Hq;
            Assert.Equal(hidden * perHead, result.SkippedBlocks);
            Assert.Equal(((qBlocks * kBlocks) - hidden) * perHead, result.ComputedBlocks);
            if (c.Causal is null)
            {
                Assert.Equal(0, result.SkippedBlocks);
            }
        }, iter: 200);
    }

    [Fact]
    public void CausalSquareSkipsTheUpperTriangleOfTiles()
    {
        var Q = Tensor.Random(1, [1, 1, 8, 4]);
        var result = FlashAttention.Forward(Q, Q, Q, 2, 2, CausalAlignment.TopLeft);
        Assert.Equal(6, result.SkippedBlocks); // 4 × 4 tiles, 3 + 2 + 1 above the diagonal
        Assert.Equal(10, result.ComputedBlocks);
    }

    [Fact]
    public void TraceRecordsEveryTileAndEndsAtTheLogSumExp()
    {
        var Q = Tensor.Random(4, [1, 2, 5, 3]);
        var K = Tensor.Random(5, [1, 1, 7, 3]);
        var trace = new FlashTrace();
        var result = FlashAttention.Forward(Q, K, K, 2, 3, CausalAlignment.BottomRight, trace: trace);
        Assert.Equal(result.ComputedBlocks + result.SkippedBlocks, trace.Tiles.Count);
        Assert.Equal(result.SkippedBlocks, trace.Tiles.Count(t => t.Skipped));
        foreach (var last in trace.Tiles.Where(t => t.KeyBlock == 2))
        {
            for (int r = 0; r < last.RowMax.Length; r++)
            {
                double lse = last.RowMax[r] + Math.Log(last.RowSum[r]);
                Assert.Equal(result.LogSumExp[0, last.Head, (last.QueryBlock * 2) + r], lse, 4);
            }
        }

        // The running max never decreases from tile to tile.
        foreach (var group in trace.Tiles.GroupBy(t => (t.Head, t.QueryBlock)))
        {
            var tiles = group.ToList();
            for (int n = 1; n < tiles.Count; n++)
            {
                Assert.All(tiles[n].RowMax.Zip(tiles[n - 1].RowMax), p => Assert.True(p.First >= p.Second));
            }
        }
    }

    [Fact]
    public void HugeLogitsAreStable()
    {
        var Q = new Tensor([1f, -1f, 0.25f], 1, 1, 3, 1);
        var K = new Tensor([1f, -1f, 0.5f, 0.999f], 1, 1, 4, 1);
        var V = Tensor.Random(9, [1, 1, 4, 2]);
        foreach (var causal in new CausalAlignment?[] { null, CausalAlignment.BottomRight })
        {
            var result = FlashAttention.Forward(Q, K, V, 1, 1, causal, scale: 1e4f);
            Assert.All(result.Output.Data, x => Assert.True(float.IsFinite(x)));
            var exact = Reference.Attention(Q, K, V, visible: (_, _, i, j) => causal is null || j <= i + 1, scale: 1e4);
            Assert.True(Reference.MaxAbsDiff(result.Output, exact) < 1e-4);
            Assert.Equal(1e4, result.LogSumExp[0, 0, 0], 0);
        }
    }

    [Fact]
    public void RowWithNoVisibleKeyGivesZerosAndMinusInfinity()
    {
        // Bottom-right with L > S: the first L − S queries sit before the first key.
        var Q = Tensor.Random(1, [1, 1, 4, 2]);
        var K = Tensor.Random(2, [1, 1, 2, 2]);
        var result = FlashAttention.Forward(Q, K, K, 3, 1, CausalAlignment.BottomRight);
        Assert.Equal(float.NegativeInfinity, result.LogSumExp[0, 0, 0]);
        Assert.Equal(float.NegativeInfinity, result.LogSumExp[0, 0, 1]);
        Assert.True(float.IsFinite(result.LogSumExp[0, 0, 2]));
        Assert.All(result.Output.Row(0, 0, 0).ToArray().Concat(result.Output.Row(0, 0, 1).ToArray()), x => Assert.Equal(0f, x));
        Assert.Equal(0.0, Reference.MaxAbsDiff(result.Output, ScaledDotProductAttention.Forward(Q, K, K, causal: CausalAlignment.BottomRight)), 5);
    }

    [Theory]
    [InlineData(0, 2, "blockQ")]
    [InlineData(-1, 2, "blockQ")]
    [InlineData(2, 0, "blockK")]
    public void BadBlockSizesNameTheArgument(int blockQ, int blockK, string argument)
    {
        var Q = new Tensor(1, 1, 2, 2);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.Forward(Q, Q, Q, blockQ, blockK));
        Assert.Equal(argument, ex.ParamName);
    }

    [Fact]
    public void BadShapesNameArgumentExpectedAndActual()
    {
        var Q = new Tensor(1, 2, 3, 4);
        var ex = Assert.Throws<ArgumentException>(() => FlashAttention.Forward(Q, Q, new Tensor(1, 2, 5, 4), 2, 2));
        Assert.Equal("V", ex.ParamName);
        Assert.Contains("[1, 2, 3, *]", ex.Message);
        Assert.Contains("[1, 2, 5, 4]", ex.Message);
        Assert.Equal("K", Assert.Throws<ArgumentException>(() => FlashAttention.Forward(Q, new Tensor(1, 3, 3, 4), Q, 2, 2)).ParamName);
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.Forward(Q, Q, Q, 2, 2, scale: float.NaN)).ParamName);
    }
}
