using CsCheck;

namespace Attention.Models.Tests;

/// <summary>Logits of an edit from a trace (recomputing from the first edited layer) equal a whole edited forward pass.</summary>
public class EditedLogitsTests
{
    [Theory]
    [InlineData(PositionEncoding.Learned)]
    [InlineData(PositionEncoding.Rope)]
    [InlineData(PositionEncoding.Alibi)]
    public void Logits_from_a_trace_equal_the_edited_forward_pass_bit_for_bit(PositionEncoding positions)
    {
        // Random 1–3 layer models, batches and a mean ablation of any set of heads (none, one layer, several layers).
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 4], Gen.Int[2, 9], Gen.Int[0, 63], Gen.Int[0, 1_000_000]).Sample((layers, B, N, chosen, seed) =>
        {
            var config = new DecoderConfig(Vocab: 11, DModel: 16, Heads: 2, Layers: layers, Context: 12) { Positions = positions };
            var model = new AttentionOnlyDecoder(DecoderWeights.Random(config, seed));
            if (positions == PositionEncoding.Rope && seed % 2 == 1)
            {
                // Frequencies and a logit scale of its own (a context-extended read) take the same two paths.
                model = model.WithRopeFrequencies(RopeScaling.Interpolated(config.HeadDim, factor: 2, config.RopeTheta), logitScale: 1.25);
            }

            var random = new Random(seed);
            int[][] tokens = [.. Enumerable.Range(0, B).Select(_ => Enumerable.Range(0, N).Select(_ => random.Next(11)).ToArray())];
            var heads = Enumerable.Range(0, layers * 2).Where(k => (chosen >> k & 1) == 1).Select(k => new HeadScore(k / 2, k % 2, 0, 0));
            HeadOutputEdit edit = DecoderEvaluation.MeanAblation(heads);
            Tensor expected = model.Logits(tokens, edit);
            Tensor actual = model.Logits(model.Trace(tokens), edit);
            return actual.Shape.SequenceEqual(expected.Shape) && actual.Data.AsSpan().SequenceEqual(expected.Data);
        }, iter: 60);
    }

    [Fact]
    public void An_edit_that_changes_nothing_returns_the_traces_logits_and_a_foreign_trace_is_refused()
    {
        var model = new AttentionOnlyDecoder(DecoderWeights.Random(new DecoderConfig(Vocab: 11, DModel: 16, Heads: 2, Layers: 2, Context: 12), seed: 3));
        DecoderTrace trace = model.Trace([[1, 2, 3, 4]]);
        Assert.Same(trace.Logits, model.Logits(trace, (_, z) => z));
        var oneLayer = new AttentionOnlyDecoder(DecoderWeights.Random(new DecoderConfig(Vocab: 11, DModel: 16, Heads: 2, Layers: 1, Context: 12), seed: 3));
        Assert.Equal("trace", Assert.Throws<ArgumentException>(() => oneLayer.Logits(trace, (_, z) => z)).ParamName);
        var metricsModel = new AttentionOnlyDecoder(DecoderWeights.Random(new DecoderConfig(Vocab: 64, DModel: 16, Heads: 2, Layers: 1, Context: 64), seed: 3));
        Assert.Equal("heldOutTrace", Assert.Throws<ArgumentException>(() => DecoderMetrics.Measure(metricsModel, metricsModel.Trace([[1, 2, 3]]))).ParamName);
    }
}
