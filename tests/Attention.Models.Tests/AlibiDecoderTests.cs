namespace Attention.Models.Tests;

/// <summary>An ALiBi decoder: the bias in every layer, the same in the full forward and against a cache, and no length limit.</summary>
public class AlibiDecoderTests
{
    private static AttentionOnlyDecoder Model() =>
        new(DecoderWeights.Random(new DecoderConfig(Vocab: 16, DModel: 16, Heads: 4, Layers: 2, Context: 8) { Positions = PositionEncoding.Alibi }, seed: 5));

    [Fact]
    public void Cached_decoding_gives_the_full_forwards_logits_past_the_training_context()
    {
        var model = Model();
        int[] tokens = [.. Enumerable.Range(0, 20).Select(n => (n * 7) % 16)];
        Tensor full = model.Logits([tokens]);
        var session = new CachedSession(model, tokens.Length);
        Tensor prefill = session.Feed(tokens[..5]);
        double gap = Tensor.MaxAbsDiff(prefill, Slice(full, 0, 5));
        for (int n = 5; n < tokens.Length; n++)
        {
            gap = Math.Max(gap, Tensor.MaxAbsDiff(session.Feed([tokens[n]]), Slice(full, n, 1)));
        }

        Assert.True(gap < 1e-4, $"cached ALiBi logits differ from the full forward by {gap}");
        Assert.Equal(DecoderGeneration.Recomputed(model, tokens[..3], 12), DecoderGeneration.Cached(model, tokens[..3], 12));
    }

    [Fact]
    public void The_bias_is_what_makes_it_positional()
    {
        // One layer without positions sees its prefix as a set: reordering it leaves the last token's logits unchanged.
        // With ALiBi the distances matter, so the same reordering moves them. ("No positions": learned ones, all zero.)
        var config = new DecoderConfig(Vocab: 16, DModel: 16, Heads: 4, Layers: 1, Context: 8) { Positions = PositionEncoding.Alibi };
        var model = new AttentionOnlyDecoder(DecoderWeights.Random(config, seed: 6));
        var none = new AttentionOnlyDecoder(new DecoderWeights(
            config with { Positions = PositionEncoding.Learned }, model.Weights.WE, new Tensor(8, 16), model.Weights.Layers, model.Weights.WU));
        int[] a = [1, 2, 3, 4, 5], b = [3, 1, 4, 2, 5];
        double Gap(AttentionOnlyDecoder m) => Tensor.MaxAbsDiff(Slice(m.Logits([a]), 4, 1), Slice(m.Logits([b]), 4, 1));
        Assert.True(Gap(none) < 1e-3, $"no positions: {Gap(none)}");
        Assert.True(Gap(model) > 1e-2, $"ALiBi: {Gap(model)}");
        Assert.Equal(Alibi.Bias(4, 2, 5).Data, model.PositionBias(2, 5)!.Data);
    }

    private static Tensor Slice(Tensor logits, int start, int count)
    {
        int V = logits.Dim(2);
        return new Tensor(logits.Data.AsSpan(start * V, count * V).ToArray(), 1, count, V);
    }
}
