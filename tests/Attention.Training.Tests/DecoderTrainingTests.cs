using Attention.Models;

namespace Attention.Training.Tests;

public class DecoderTrainingTests
{
    private static readonly TrainingOptions Tiny = new(
        new DecoderConfig(Vocab: 8, DModel: 16, Heads: 2, Layers: 2, Context: 12), Steps: 80, BatchSize: 16, LearningRate: 1e-2, WarmupSteps: 5, ChunkSize: 4, EvalEvery: 40);

    [Fact]
    public void A_short_training_run_makes_the_loss_fall()
    {
        var (_, curve) = DecoderTraining.Train(Tiny);
        double first = curve.Take(5).Average(p => p.Loss), last = curve.TakeLast(5).Average(p => p.Loss);
        Assert.True(last < first - 0.2, $"loss went from {first:F3} to {last:F3} in {Tiny.Steps} steps");
        Assert.Equal(Tiny.Steps, curve.Count);
        Assert.False(double.IsNaN(curve[^1].HeldOutAccuracy));
    }

    [Fact]
    public void Training_is_deterministic_and_does_not_depend_on_how_chunks_are_scheduled()
    {
        var options = Tiny with { Steps = 6 };
        string first = DecoderFile.Checksum(DecoderTraining.Train(options).Weights);
        Assert.Equal(first, DecoderFile.Checksum(DecoderTraining.Train(options).Weights));
        Assert.NotEqual(first, DecoderFile.Checksum(DecoderTraining.Train(options with { Seed = 5 }).Weights));
    }

    [Fact]
    public void The_chunked_gradient_equals_the_gradient_of_the_whole_batch()
    {
        var config = Tiny.Config;
        var model = new AttentionOnlyDecoder(DecoderWeights.Random(config, 4));
        var batch = RepeatedSequences.Sample(9, 8, config.Context, config.Vocab);
        var (loss, _, chunked) = DecoderTraining.LossAndGradients(model, batch, chunkSize: 2);
        var trace = model.Trace(batch.Tokens);
        var ce = CrossEntropy.NextToken(trace.Logits, batch.Tokens);
        var whole = DecoderBackward.Gradients(model, trace, ce.dLogits);
        Assert.Equal(ce.Loss, loss, 5);
        foreach (var ((name, a), (_, b)) in chunked.Parameters().Zip(whole.Parameters()))
        {
            for (int k = 0; k < a.Length; k++)
            {
                Assert.True(Math.Abs(a.Data[k] - b.Data[k]) <= 1e-5 + (1e-4 * Math.Abs(b.Data[k])), $"{name}[{k}]: {a.Data[k]} vs {b.Data[k]}");
            }
        }
    }

    [Fact]
    public void Adams_first_step_moves_every_weight_by_the_learning_rate_against_its_gradient_sign()
    {
        // t = 1: m̂ = g and v̂ = g², so the update is lr · g / (|g| + ε) ≈ lr · sign(g).
        var config = new DecoderConfig(5, 4, 2, 1, 3);
        var weights = DecoderWeights.Random(config, 1);
        var before = weights.Clone();
        var gradients = DecoderWeights.Random(config, 2);
        new Adam(weights, learningRate: 0.01).Step(gradients);
        foreach (var (((name, w), (_, w0)), (_, g)) in weights.Parameters().Zip(before.Parameters()).Zip(gradients.Parameters()))
        {
            for (int k = 0; k < w.Length; k++)
            {
                Assert.Equal(w0.Data[k] - (0.01 * Math.Sign(g.Data[k])), w.Data[k], 5);
            }
        }
    }

    [Fact]
    public void Adam_with_weight_decay_shrinks_weights_with_zero_gradient()
    {
        var config = new DecoderConfig(5, 4, 2, 1, 3);
        var weights = DecoderWeights.Random(config, 1);
        float w0 = weights.WE.Data[0];
        new Adam(weights, learningRate: 0.1, weightDecay: 0.5).Step(DecoderWeights.Zeros(config));
        Assert.Equal(w0 * (1 - 0.05), weights.WE.Data[0], 5);
        Assert.Throws<ArgumentException>(() => new Adam(weights, learningRate: 0));
    }

    [Fact]
    public void The_schedule_warms_up_then_decays_to_a_tenth()
    {
        var options = Tiny with { Steps = 100, WarmupSteps = 10, LearningRate = 1 };
        Assert.Equal(0.1, DecoderTraining.Schedule(options, 1), 9);
        Assert.Equal(1.0, DecoderTraining.Schedule(options, 10), 9);
        Assert.Equal(0.1, DecoderTraining.Schedule(options, 100), 9);
        Assert.True(DecoderTraining.Schedule(options, 50) is > 0.1 and < 1);
    }

    [Fact]
    public void Clipping_scales_a_large_gradient_to_the_limit_and_leaves_a_small_one()
    {
        var config = new DecoderConfig(5, 4, 2, 1, 3);
        var g = DecoderWeights.Random(config, 3);
        double norm = DecoderTraining.ClipGlobalNorm(g, 1.0);
        Assert.True(norm > 1);
        Assert.Equal(1.0, Math.Sqrt(g.Parameters().Sum(p => p.Value.Data.Sum(v => (double)v * v))), 4);
        var copy = g.Clone();
        DecoderTraining.ClipGlobalNorm(g, 10);
        Assert.Equal(copy.WE.Data, g.WE.Data);
    }
}
