namespace Attention.Models.Tests;

/// <summary>A left-padded batch generates, token for token, what each prompt generates alone.</summary>
public class BatchedGenerationTests(ShippedDecoderFixture shipped) : IClassFixture<ShippedDecoderFixture>
{
    [Fact]
    public void The_trained_decoder_batched_equals_each_prompt_alone()
    {
        var model = new AttentionOnlyDecoder(shipped.File.Weights);
        var random = new Random(3);

        // Repeated halves, so the induction heads have something to copy: the greedy tokens are not all alike.
        int[] Prompt(int half)
        {
            int[] first = [.. Enumerable.Range(0, half).Select(_ => random.Next(model.Config.Vocab))];
            return [.. first, .. first.Take(Math.Max(1, half / 2))];
        }

        int[][] prompts = [Prompt(5), Prompt(12), [7], Prompt(9), Prompt(20)];
        int[][] batched = BatchedGeneration.Generate(model, prompts, steps: 10);
        for (int b = 0; b < prompts.Length; b++)
        {
            Assert.Equal(DecoderGeneration.Cached(model, prompts[b], 10), batched[b]);
        }

        Assert.True(batched.Select(s => string.Join(",", s[^10..])).Distinct().Count() > 1, "every sequence generated the same tokens: the test would not see a mix-up");
    }

    [Theory]
    [InlineData(PositionEncoding.Rope)]
    [InlineData(PositionEncoding.Learned)]
    [InlineData(PositionEncoding.Alibi)]
    public void Positions_count_real_tokens_for_rope_and_learned_positions(PositionEncoding positions)
    {
        var config = new DecoderConfig(Vocab: 16, DModel: 16, Heads: 2, Layers: 2, Context: 32) { Positions = positions };
        var model = new AttentionOnlyDecoder(DecoderWeights.Random(config, seed: 9));
        int[][] prompts = [[1, 2, 3], [4, 5, 6, 7, 8, 9, 10], [11]];

        // Logits, not just argmax tokens: a wrong position or a visible pad moves every logit.
        int[][] batched = BatchedGeneration.Generate(model, prompts, steps: 6);
        for (int b = 0; b < prompts.Length; b++)
        {
            Assert.Equal(DecoderGeneration.Cached(model, prompts[b], 6), batched[b]);
        }
    }

    [Fact]
    public void The_padding_mask_hides_pad_slots_only()
    {
        Mask mask = BatchedGeneration.PaddingMask([2, 0], 3, 3, (i, j) => j <= i);
        Assert.False(mask.IsVisible(0, 0, 2, 1));
        Assert.True(mask.IsVisible(0, 0, 2, 2));
        Assert.True(mask.IsVisible(1, 0, 2, 0));
        Assert.False(mask.IsVisible(1, 0, 0, 1));
        Assert.Throws<ArgumentException>(() => BatchedGeneration.Generate(new AttentionOnlyDecoder(shipped.File.Weights), [[1], []], 2));
    }
}
