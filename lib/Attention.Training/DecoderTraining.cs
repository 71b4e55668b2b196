using Attention.Models;
using MathNet.Numerics.Random;

namespace Attention.Training;

/// <summary>How the decoder is trained. The defaults train the shipped model.</summary>
/// <param name="Config">The model's shape.</param>
/// <param name="Steps">Optimizer steps.</param>
/// <param name="BatchSize">Sequences per step, each of Config.Context tokens ending in a random segment (6 .. Context / 2
/// tokens) and its repeat (<see cref="RepeatedSequences"/>).</param>
/// <param name="LearningRate">Adam's peak step size, reached after <paramref name="WarmupSteps"/> and decayed to a tenth by a cosine.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="ClipNorm">Gradients with a larger global L2 norm are scaled down to it.</param>
/// <param name="Seed">Seeds the initial weights (Seed) and the training data (Seed + 1).</param>
/// <param name="ChunkSize">Sequences per gradient chunk. Chunks run in parallel and are summed in a fixed order, so the
/// result does not depend on the number of threads.</param>
/// <param name="EvalEvery">Steps between held-out accuracy measurements in the curve.</param>
/// <param name="MinSegment">The shortest segment T of the training data (the longest is Context / 2).</param>
/// <param name="CycledShare">The share of each batch drawn as <see cref="RepeatedSequences.Cycled(MathNet.Numerics.Random.MersenneTwister, int, int, int, int, int)"/> (the segment repeated
/// to the end) instead of noise, segment, repeat. Without them training sits on a plateau for thousands of steps: copying
/// from the context pays only inside the repeat and costs as much in the noise, so nothing pulls the heads toward the circuit.</param>
public sealed record TrainingOptions(
    DecoderConfig Config,
    int Steps = 3000,
    int BatchSize = 32,
    double LearningRate = 3e-3,
    int WarmupSteps = 50,
    double ClipNorm = 1.0,
    int Seed = 2026,
    int ChunkSize = 8,
    int EvalEvery = 50,
    int MinSegment = 6,
    double CycledShare = 0.5)
{
    /// <summary>The options that train the shipped model.</summary>
    public static TrainingOptions Shipped { get; } = new(DecoderConfig.Shipped);
}

/// <summary>One point of the training curve.</summary>
/// <param name="Step">The step just taken, from 1.</param>
/// <param name="Loss">Mean next-token loss of the step's batch (nats; ln V = chance on the random half).</param>
/// <param name="RepeatLoss">Mean loss on the repeat's predictable positions only (0 = perfect copying).</param>
/// <param name="HeldOutAccuracy">Repeated-half accuracy on held-out sequences, measured every EvalEvery steps (else NaN).</param>
public sealed record TrainingPoint(int Step, double Loss, double RepeatLoss, double HeldOutAccuracy);

/// <summary>The training loop: sample a batch, forward, loss, backward, clip, Adam. Deterministic on a given machine.</summary>
public static class DecoderTraining
{
    /// <summary>Trains fresh weights; <paramref name="progress"/> sees every point of the curve as it is made.</summary>
    public static (DecoderWeights Weights, IReadOnlyList<TrainingPoint> Curve) Train(TrainingOptions options, Action<TrainingPoint>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var c = options.Config;
        c.Validate();
        Shapes.RequirePositive(options.Steps, nameof(options.Steps));
        Shapes.RequirePositive(options.ChunkSize, nameof(options.ChunkSize));
        if (options.BatchSize % options.ChunkSize != 0 || c.Context % 2 != 0)
        {
            throw new ArgumentException(
                $"BatchSize ({options.BatchSize}) must be a multiple of ChunkSize ({options.ChunkSize}) and Context ({c.Context}) even.", nameof(options));
        }

        var weights = DecoderWeights.Random(c, options.Seed);
        var model = new AttentionOnlyDecoder(weights);
        var adam = new Adam(weights, options.LearningRate);
        var data = new MersenneTwister(options.Seed + 1);
        // The first 64 sequences of the held-out set (DecoderMetrics.HeldOut), cheap enough to measure during training.
        RepeatedBatch heldOut = RepeatedSequences.Sample(DecoderMetrics.HeldOutSeed, 64, c.Context, c.Vocab);
        var curve = new List<TrainingPoint>();
        for (int step = 1; step <= options.Steps; step++)
        {
            RepeatedBatch batch = Batch(options, data);
            var (loss, repeatLoss, gradients) = LossAndGradients(model, batch, options.ChunkSize);
            ClipGlobalNorm(gradients, options.ClipNorm);
            adam.LearningRate = Schedule(options, step);
            adam.Step(gradients);

            double accuracy = step % options.EvalEvery == 0 || step == options.Steps
                ? DecoderEvaluation.RepeatedHalfAccuracy(model, heldOut)
                : double.NaN;
            var point = new TrainingPoint(step, loss, repeatLoss, accuracy);
            curve.Add(point);
            progress?.Invoke(point);
        }

        return (weights, curve);
    }

    /// <summary>
    /// The batch's mean next-token loss, its loss on the repeat's predictable positions, and the gradient of the mean loss.
    /// The batch is cut into chunks of <paramref name="chunkSize"/> sequences, computed in parallel, and summed in chunk order.
    /// </summary>
    public static (double Loss, double RepeatLoss, DecoderWeights Gradients) LossAndGradients(AttentionOnlyDecoder model, RepeatedBatch batch, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        int chunks = batch.Tokens.Length / chunkSize;
        var results = new (double Loss, double Repeat, DecoderWeights Gradients)[chunks];
        Parallel.For(0, chunks, k =>
        {
            int[][] part = batch.Tokens[(k * chunkSize)..((k + 1) * chunkSize)];
            DecoderTrace trace = model.Trace(part);
            CrossEntropyResult ce = CrossEntropy.NextToken(trace.Logits, part);
            results[k] = (ce.Loss, RepeatLoss(ce.PerPosition, batch, k * chunkSize), DecoderBackward.Gradients(model, trace, ce.dLogits));
        });

        // Summed in chunk order, whatever order the threads finished in: the same batch gives the same bits.
        var total = results[0].Gradients;
        var sums = total.Parameters();
        for (int k = 1; k < chunks; k++)
        {
            var part = results[k].Gradients.Parameters();
            for (int i = 0; i < sums.Count; i++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(sums[i].Value.Data, part[i].Value.Data, sums[i].Value.Data);
            }
        }

        foreach (var (_, g) in sums)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(g.Data, 1f / chunks, g.Data);
        }

        return (results.Average(r => r.Loss), results.Average(r => r.Repeat), total);
    }

    /// <summary>Scales every gradient by min(1, maxNorm / ‖g‖) where ‖g‖ is the L2 norm over all of them; returns ‖g‖.</summary>
    public static double ClipGlobalNorm(DecoderWeights gradients, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        double squares = gradients.Parameters().Sum(p => p.Value.Data.Sum(g => (double)g * g));
        double norm = Math.Sqrt(squares);
        if (norm > maxNorm)
        {
            float factor = (float)(maxNorm / norm);
            foreach (var (_, g) in gradients.Parameters())
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(g.Data, factor, g.Data);
            }
        }

        return norm;
    }

    /// <summary>The learning rate at <paramref name="step"/>: linear warm-up, then a cosine from the peak down to a tenth of it.</summary>
    public static double Schedule(TrainingOptions options, int step)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (step <= options.WarmupSteps)
        {
            return options.LearningRate * step / options.WarmupSteps;
        }

        double progress = (step - options.WarmupSteps) / (double)Math.Max(1, options.Steps - options.WarmupSteps);
        return options.LearningRate * (0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }

    /// <summary>One training batch: the first CycledShare of it cycled, the rest noise + segment + repeat.</summary>
    public static RepeatedBatch Batch(TrainingOptions options, MersenneTwister data)
    {
        ArgumentNullException.ThrowIfNull(options);
        var c = options.Config;
        int cycled = (int)Math.Round(options.CycledShare * options.BatchSize);
        var a = RepeatedSequences.Cycled(data, Math.Max(cycled, 1), c.Context, c.Vocab, options.MinSegment, c.Context / 2);
        var b = RepeatedSequences.Sample(data, Math.Max(options.BatchSize - cycled, 1), c.Context, c.Vocab, options.MinSegment, c.Context / 2);
        return cycled == 0 ? b : cycled == options.BatchSize ? a
            : new RepeatedBatch([.. a.Tokens, .. b.Tokens], [.. a.Starts, .. b.Starts], [.. a.Segments, .. b.Segments]);
    }

    private static double RepeatLoss(Tensor perPosition, RepeatedBatch batch, int first)
    {
        int N = perPosition.Dim(1);
        double sum = 0;
        int count = 0;
        for (int b = 0; b < perPosition.Dim(0); b++)
        {
            foreach (int n in batch.PredictablePositions(first + b))
            {
                sum += perPosition.Data[(b * N) + n];
                count++;
            }
        }

        return sum / count;
    }
}
