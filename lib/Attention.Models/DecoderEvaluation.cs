namespace Attention.Models;

/// <summary>What one head does on repeated sequences: its previous-token and induction scores (<see cref="Diagnostics"/>).</summary>
/// <param name="Layer">The layer, from 0.</param>
/// <param name="Head">The head within the layer, from 0.</param>
/// <param name="PreviousToken">Mean weight on key i − 1 (1 = a perfect previous-token head).</param>
/// <param name="Induction">Mean weight on the token after an earlier occurrence of the current token (1 = a perfect induction head).</param>
public sealed record HeadScore(int Layer, int Head, double PreviousToken, double Induction)
{
    /// <summary>"L0H2", the TransformerLens way of naming a head.</summary>
    public string Name => $"L{Layer}H{Head}";
}

/// <summary>The measurements the shipped decoder is held to, on held-out repeated sequences.</summary>
public static class DecoderEvaluation
{
    /// <summary>
    /// The share of the repeat's predictable tokens (<see cref="RepeatedBatch.PredictablePositions"/>) whose greedy
    /// prediction is right. Chance is 1/V.
    /// </summary>
    public static double RepeatedHalfAccuracy(AttentionOnlyDecoder model, RepeatedBatch sequences, HeadOutputEdit? edit = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        return RepeatedHalfAccuracy(sequences, model.Logits(sequences.Tokens, edit));
    }

    /// <summary>The repeated-half accuracy of <paramref name="logits"/> [B, N, V] computed on <paramref name="sequences"/>
    /// (for instance <see cref="AttentionOnlyDecoder.Logits(DecoderTrace, HeadOutputEdit)"/> of an ablation).</summary>
    // Optimised at first call: a notebook's first calls would otherwise run this loop unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double RepeatedHalfAccuracy(RepeatedBatch sequences, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        Shapes.Require(logits, nameof(logits), "[B, N, V]", sequences.Tokens.Length, sequences.Tokens[0].Length, Shapes.Any);
        int right = 0, total = 0;
        for (int b = 0; b < sequences.Tokens.Length; b++)
        {
            foreach (int n in sequences.PredictablePositions(b))
            {
                right += System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(logits.Row(b, n)) == sequences.Tokens[b][n + 1] ? 1 : 0;
                total++;
            }
        }

        return (double)right / total;
    }

    /// <summary>Previous-token and induction score of every head, averaged over the sequences.</summary>
    public static IReadOnlyList<HeadScore> HeadScores(AttentionOnlyDecoder model, int[][] sequences)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        return HeadScores(model.Trace(sequences));
    }

    /// <summary>Previous-token and induction score of every head of a trace, averaged over its sequences.</summary>
    public static IReadOnlyList<HeadScore> HeadScores(DecoderTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        int[][] sequences = trace.Tokens;
        var scores = new List<HeadScore>();
        // One [N, N] tensor refilled per (sequence, head): a copy per pair allocated the whole weights again (32 MiB for
        // the held-out batch), and fresh memory is what a cold notebook waits for.
        int N = sequences[0].Length;
        var weights = new Tensor(N, N);
        for (int l = 0; l < trace.Layers.Count; l++)
        {
            Tensor all = trace.Layers[l].Weights;
            for (int h = 0; h < all.Dim(1); h++)
            {
                double previous = 0, induction = 0;
                for (int b = 0; b < sequences.Length; b++)
                {
                    all.Data.AsSpan(((b * all.Dim(1)) + h) * N * N, N * N).CopyTo(weights.Data);
                    previous += Diagnostics.PreviousTokenScore(weights);
                    induction += Diagnostics.InductionScore(weights, sequences[b]);
                }

                scores.Add(new HeadScore(l, h, previous / sequences.Length, induction / sequences.Length));
            }
        }

        return scores;
    }

    /// <summary>The weights [N, N] of head <paramref name="head"/> of layer <paramref name="layer"/> on sequence <paramref name="b"/>.</summary>
    public static Tensor HeadWeights(DecoderTrace trace, int layer, int b, int head)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Tensor all = trace.Layers[layer].Weights;
        int N = all.Dim(2);
        return new Tensor(all.Data.AsSpan(((b * all.Dim(1)) + head) * N * N, N * N).ToArray(), N, N);
    }

    /// <summary>An edit that mean-ablates one head: its output replaced by its mean over the batch and positions.</summary>
    public static HeadOutputEdit MeanAblation(int layer, int head) => MeanAblation([new HeadScore(layer, head, 0, 0)]);

    /// <summary>An edit that mean-ablates every head of <paramref name="heads"/> at once.</summary>
    public static HeadOutputEdit MeanAblation(IEnumerable<HeadScore> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var chosen = heads.Select(h => (h.Layer, h.Head)).ToArray();
        return (l, z) =>
        {
            foreach (var (layer, head) in chosen.Where(c => c.Layer == l))
            {
                z = Diagnostics.Ablate(z, head, AblationMode.Mean);
            }

            return z;
        };
    }

    /// <summary>The repeated-half accuracy with each head mean-ablated in turn, layer by layer.</summary>
    public static double[,] AblatedAccuracy(AttentionOnlyDecoder model, RepeatedBatch sequences)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        return AblatedAccuracy(model, model.Trace(sequences.Tokens), sequences);
    }

    /// <summary>As above, from the model's unedited <paramref name="trace"/> of <paramref name="sequences"/>: each ablation
    /// recomputes only from its own layer on.</summary>
    public static double[,] AblatedAccuracy(AttentionOnlyDecoder model, DecoderTrace trace, RepeatedBatch sequences)
    {
        ArgumentNullException.ThrowIfNull(model);
        var accuracy = new double[model.Config.Layers, model.Config.Heads];
        for (int l = 0; l < model.Config.Layers; l++)
        {
            for (int h = 0; h < model.Config.Heads; h++)
            {
                accuracy[l, h] = RepeatedHalfAccuracy(sequences, model.Logits(trace, MeanAblation(l, h)));
            }
        }

        return accuracy;
    }
}
