using CsCheck;

namespace Attention.Training.Tests;

/// <summary>The tiled backward against the standard one (which reads the stored weights) and against finite differences.</summary>
public class FlashAttentionBackwardTests
{
    private sealed record Case(int B, int H, int L, int S, int D, int Dv, int BlockQ, int BlockK, CausalAlignment? Causal, int Seed)
    {
        public Tensor Q => Tensor.Random(Seed, [B, H, L, D]);

        public Tensor K => Tensor.Random(Seed + 1, [B, H, S, D]);

        public Tensor V => Tensor.Random(Seed + 2, [B, H, S, Dv]);

        public Tensor dO => Tensor.Random(Seed + 3, [B, H, L, Dv]);
    }

    private static readonly Gen<Case> Cases =
        from B in Gen.Int[1, 2]
        from H in Gen.Int[1, 3]
        from L in Gen.Int[1, 9]
        from S in Gen.Int[1, 9]
        from D in Gen.Int[1, 19]
        from Dv in Gen.Int[1, 18]
        from bq in Gen.Int[1, 5]
        from bk in Gen.Int[1, 5]
        from causal in Gen.Int[0, 2]
        from seed in Gen.Int[0, 100_000]
        select new Case(B, H, L, S, D, Dv, bq, bk, causal switch { 0 => null, 1 => CausalAlignment.BottomRight, _ => CausalAlignment.TopLeft }, seed);

    [Fact]
    public void Equals_the_standard_backward_for_any_shape_block_and_mask()
    {
        Cases.Sample(c =>
        {
            var forward = FlashAttention.Forward(c.Q, c.K, c.V, c.BlockQ, c.BlockK, c.Causal);
            var P = ScaledDotProductAttention.ForwardWithWeights(c.Q, c.K, c.V, causal: c.Causal).Weights!;
            var expected = AttentionBackward.Backward(c.Q, c.K, c.V, P, c.dO);
            var tiled = FlashAttentionBackward.Backward(c.Q, c.K, c.V, forward.Output, forward.LogSumExp, c.dO, c.BlockQ, c.BlockK, c.Causal);
            Assert.True(Tensor.MaxAbsDiff(tiled.Gradients.dQ, expected.dQ) < 1e-4, $"{c}: dQ");
            Assert.True(Tensor.MaxAbsDiff(tiled.Gradients.dK, expected.dK) < 1e-4, $"{c}: dK");
            Assert.True(Tensor.MaxAbsDiff(tiled.Gradients.dV, expected.dV) < 1e-4, $"{c}: dV");

            // The same tiles as the forward: a tile the forward skipped holds nothing to differentiate.
            Assert.Equal((forward.ComputedBlocks, forward.SkippedBlocks), (tiled.ComputedBlocks, tiled.SkippedBlocks));
        });
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, CausalAlignment.TopLeft)]
    public void Matches_finite_differences(int seed, CausalAlignment? causal)
    {
        var c = new Case(1, 2, 5, 5, 3, 2, 2, 3, causal, seed);
        Tensor Q = c.Q, K = c.K, V = c.V, R = c.dO;
        double Loss() => FiniteDifferences.Dot(FlashAttention.Forward(Q, K, V, 2, 3, causal).Output, R);
        var forward = FlashAttention.Forward(Q, K, V, 2, 3, causal);
        var g = FlashAttentionBackward.Backward(Q, K, V, forward.Output, forward.LogSumExp, R, 2, 3, causal).Gradients;
        FiniteDifferences.Check("dQ", Loss, Q, g.dQ, seed);
        FiniteDifferences.Check("dK", Loss, K, g.dK, seed);
        FiniteDifferences.Check("dV", Loss, V, g.dV, seed);
    }

    [Fact]
    public void Working_memory_is_one_tile_and_D_whatever_the_key_count()
    {
        foreach (int S in (int[])[16, 256, 1024])
        {
            var c = new Case(1, 1, 64, S, 8, 8, 16, 32, null, 5);
            var forward = FlashAttention.Forward(c.Q, c.K, c.V, 16, 32);
            var result = FlashAttentionBackward.Backward(c.Q, c.K, c.V, forward.Output, forward.LogSumExp, c.dO, 16, 32);
            Assert.Equal(64 + (2 * 16 * 32), result.WorkingFloats);
        }
    }

    [Fact]
    public void Bad_shapes_name_the_argument()
    {
        var c = new Case(1, 2, 4, 6, 3, 2, 2, 2, null, 1);
        var forward = FlashAttention.Forward(c.Q, c.K, c.V, 2, 2);
        var ex = Assert.Throws<ArgumentException>(() => FlashAttentionBackward.Backward(c.Q, c.K, c.V, forward.Output, new Tensor(1, 2, 5), c.dO, 2, 2));
        Assert.Contains("logSumExp", ex.Message);
        Assert.Contains("[1, 2, 4]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => FlashAttentionBackward.Backward(c.Q, c.K, c.V, forward.Output, forward.LogSumExp, c.V, 2, 2));
        Assert.Contains("dO", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttentionBackward.Backward(c.Q, c.K, c.V, forward.Output, forward.LogSumExp, c.dO, 0, 2));
    }
}
