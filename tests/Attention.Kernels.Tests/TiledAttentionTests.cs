using CsCheck;

namespace Attention.Kernels.Tests;

/// <summary>The fast kernel equals the reference over random shapes, seeds, block sizes, GQA groups and causal alignments.</summary>
public class TiledAttentionTests
{
    private static readonly CausalAlignment?[] Alignments = [null, CausalAlignment.TopLeft, CausalAlignment.BottomRight];

    // |tiled − reference| ≤ 1e-5 · (1 + |reference|) for every element: float32 sums taken in a different order.
    private static double RelativeError(Tensor actual, Tensor expected)
    {
        double worst = 0;
        for (int k = 0; k < expected.Length; k++)
        {
            worst = Math.Max(worst, Math.Abs(actual.Data[k] - expected.Data[k]) / (1 + Math.Abs(expected.Data[k])));
        }

        return worst;
    }

    [Theory]
    [InlineData(KernelWidth.Vector256)]
    [InlineData(KernelWidth.Vector512)]
    public void Equals_the_reference_for_random_shapes_blocks_groups_and_causal_alignments(KernelWidth width)
    {
        // Both widths run on every machine (one is emulated where the hardware lacks it), so both are proven here.
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 70], Gen.Int[1, 150], Gen.Int[1, 40], Gen.Int[1, 40])
            .SelectMany(t => Gen.Select(Gen.Int[1, 70], Gen.Int[1, 200], Gen.Int[0, 2], Gen.Int[0, 1_000_000])
                .Select((br, bc, c, seed) => (t, br, bc, c, seed)))
            .Sample(x =>
            {
                var ((B, Hkv, group, L, S, E, Ev), br, bc, c, seed) = x;
                var Q = Tensor.Random(seed, [B, Hkv * group, L, E], sigma: 2);
                var K = Tensor.Random(seed + 1, [B, Hkv, S, E], sigma: 2);
                var V = Tensor.Random(seed + 2, [B, Hkv, S, Ev]);
                Tensor expected = ScaledDotProductAttention.Forward(Q, K, V, causal: Alignments[c]);
                Tensor actual = TiledAttention.Forward(Q, K, V, causal: Alignments[c], blockRows: br, blockKeys: bc, threads: 2, width: width);
                return actual.Shape.SequenceEqual(expected.Shape) && RelativeError(actual, expected) <= 1e-5;
            }, iter: width == KernelWidths.Best ? 300 : 100);
    }

    [Fact]
    public void The_two_widths_agree_bit_for_bit_on_the_same_tiles()
    {
        // Each output lane sums the same terms in the same order at either width; with tiles a multiple of 64 keys (a whole step at either width) the
        // online softmax sees the same tiles too, so any difference is a bug in one micro-kernel.
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 100], Gen.Int[1, 48], Gen.Int[1, 48], Gen.Int[1, 4], Gen.Int[0, 1_000_000]).Sample((L, S, E, Ev, tiles, seed) =>
        {
            var Q = Tensor.Random(seed, [1, 2, L, E]);
            var K = Tensor.Random(seed + 1, [1, 1, S, E]);
            var V = Tensor.Random(seed + 2, [1, 1, S, Ev]);
            Tensor narrow = TiledAttention.Forward(Q, K, V, causal: CausalAlignment.BottomRight, blockKeys: 64 * tiles, width: KernelWidth.Vector256);
            Tensor wide = TiledAttention.Forward(Q, K, V, causal: CausalAlignment.BottomRight, blockKeys: 64 * tiles, width: KernelWidth.Vector512);
            return narrow.Data.AsSpan().SequenceEqual(wide.Data);
        }, iter: 100);
    }

    [Fact]
    public void Rows_with_no_visible_key_are_zero_as_in_the_reference()
    {
        // Bottom-right with more queries than keys: the first L − S queries see nothing.
        var Q = Tensor.Random(1, [1, 2, 9, 8]);
        var K = Tensor.Random(2, [1, 2, 4, 8]);
        var V = Tensor.Random(3, [1, 2, 4, 5]);
        Tensor expected = ScaledDotProductAttention.Forward(Q, K, V, causal: CausalAlignment.BottomRight);
        Tensor actual = TiledAttention.Forward(Q, K, V, causal: CausalAlignment.BottomRight, blockRows: 4, blockKeys: 16);
        Assert.True(RelativeError(actual, expected) <= 1e-5);
        Assert.All(actual.Data.AsSpan(0, 5 * 5).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_custom_scale_and_large_logits_match_the_reference()
    {
        var Q = Tensor.Random(4, [1, 4, 33, 64], sigma: 20);
        var K = Tensor.Random(5, [1, 2, 70, 64], sigma: 20);
        var V = Tensor.Random(6, [1, 2, 70, 64]);
        Tensor expected = ScaledDotProductAttention.Forward(Q, K, V, causal: CausalAlignment.TopLeft, scale: 0.5f);
        Tensor actual = TiledAttention.Forward(Q, K, V, causal: CausalAlignment.TopLeft, scale: 0.5f);
        Assert.True(RelativeError(actual, expected) <= 1e-5, $"{RelativeError(actual, expected)}");
    }

    [Fact]
    public void Bad_shapes_are_rejected_naming_the_argument_and_the_shapes()
    {
        var Q = new Tensor(1, 4, 3, 8);
        var ex = Assert.Throws<ArgumentException>(() => TiledAttention.Forward(Q, new Tensor(1, 3, 5, 8), new Tensor(1, 3, 5, 8)));
        Assert.Equal("K", ex.ParamName);
        Assert.Contains("must divide", ex.Message, StringComparison.Ordinal);
        var wrongE = Assert.Throws<ArgumentException>(() => TiledAttention.Forward(Q, new Tensor(1, 2, 5, 7), new Tensor(1, 2, 5, 8)));
        Assert.Equal("K", wrongE.ParamName);
        Assert.Contains("[1, 2, 5, 7]", wrongE.Message, StringComparison.Ordinal);
        var wrongV = Assert.Throws<ArgumentException>(() => TiledAttention.Forward(Q, new Tensor(1, 2, 5, 8), new Tensor(1, 2, 6, 8)));
        Assert.Equal("V", wrongV.ParamName);
        Assert.Equal("blockKeys", Assert.ThrowsAny<ArgumentException>(() => TiledAttention.Forward(Q, new Tensor(1, 2, 5, 8), new Tensor(1, 2, 5, 8), blockKeys: 0)).ParamName);
    }
    [Fact]
    public void A_given_output_is_overwritten_whole_with_the_same_result()
    {
        // Garbage in the output (NaN) and in the kept Kᵀ buffer (a longer call first) must not reach the result; rows with
        // no visible key (bottom-right, L > S) and split decode write every element too.
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 300], Gen.Int[1, 24], Gen.Int[0, 2], Gen.Int[0, 1_000_000]).Sample((L, S, E, c, seed) =>
        {
            var Q = Tensor.Random(seed, [1, 2, L, E]);
            var K = Tensor.Random(seed + 1, [1, 2, S, E]);
            var V = Tensor.Random(seed + 2, [1, 2, S, E]);
            _ = TiledAttention.Forward(Tensor.Random(seed, [1, 2, 64, E]), Tensor.Random(seed, [1, 2, 700, E]), Tensor.Random(seed, [1, 2, 700, E]));
            Tensor fresh = TiledAttention.Forward(Q, K, V, Alignments[c], threads: 4);
            var output = new Tensor(1, 2, L, E);
            output.Data.AsSpan().Fill(float.NaN);
            Tensor reused = TiledAttention.Forward(Q, K, V, Alignments[c], threads: 4, output: output);
            return ReferenceEquals(reused, output) && fresh.Data.AsSpan().SequenceEqual(output.Data);
        }, iter: 100);
        var wrong = Assert.Throws<ArgumentException>(() => TiledAttention.Forward(new Tensor(1, 2, 3, 8), new Tensor(1, 2, 5, 8), new Tensor(1, 2, 5, 8), output: new Tensor(1, 2, 3, 7)));
        Assert.Equal("output", wrong.ParamName);
        Assert.Contains("[1, 2, 3, 7]", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_split_across_threads_equals_the_reference()
    {
        // One or two heads and up to 7 queries against a long cache on 2–4 threads: the keys are split across the spare
        // threads (Flash-Decoding) and merged by log-sum-exp; the reference attends over all of them at once.
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 7], Gen.Int[1, 700], Gen.Int[1, 40], Gen.Int[2, 4], Gen.Int[0, 2], Gen.Int[0, 1_000_000])
            .Sample((H, L, S, E, threads, c, seed) =>
            {
                var Q = Tensor.Random(seed, [1, H, L, E], sigma: 2);
                var K = Tensor.Random(seed + 1, [1, H, S, E], sigma: 2);
                var V = Tensor.Random(seed + 2, [1, H, S, E]);
                Tensor expected = ScaledDotProductAttention.Forward(Q, K, V, causal: Alignments[c]);
                Tensor actual = TiledAttention.Forward(Q, K, V, causal: Alignments[c], blockKeys: 32, threads: threads);
                return RelativeError(actual, expected) <= 1e-5;
            }, iter: 300);
    }
}
