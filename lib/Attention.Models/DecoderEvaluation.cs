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
    /// The share of the repeat's predictable tokens (<see cref="RepeatedSequences.PredictablePositions"/>) whose greedy
    /// prediction is right. Chance is 1/V.
    /// </summary>
    public static double RepeatedHalfAccuracy(AttentionOnlyDecoder model, int[][] sequences, HeadOutputEdit? edit = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Tensor logits = model.Logits(sequences, edit);
        int segment = RequireRepeated(sequences);
        int right = 0, total = 0;
        for (int b = 0; b < sequences.Length; b++)
        {
            foreach (int n in RepeatedSequences.PredictablePositions(segment))
            {
                right += DecoderGeneration.Argmax(logits.Row(b, n)) == sequences[b][n + 1] ? 1 : 0;
                total++;
            }
        }

        return (double)right / total;
    }

    /// <summary>Previous-token and induction score of every head, averaged over the sequences.</summary>
    public static IReadOnlyList<HeadScore> HeadScores(AttentionOnlyDecoder model, int[][] sequences)
    {
        ArgumentNullException.ThrowIfNull(model);
        DecoderTrace trace = model.Trace(sequences);
        var scores = new List<HeadScore>();
        for (int l = 0; l < model.Config.Layers; l++)
        {
            for (int h = 0; h < model.Config.Heads; h++)
            {
                double previous = 0, induction = 0;
                for (int b = 0; b < sequences.Length; b++)
                {
                    Tensor weights = HeadWeights(trace, l, b, h);
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
    public static HeadOutputEdit MeanAblation(int layer, int head) =>
        (l, z) => l == layer ? Diagnostics.Ablate(z, head, AblationMode.Mean) : z;

    /// <summary>The repeated-half accuracy with each head mean-ablated in turn, layer by layer.</summary>
    public static double[,] AblatedAccuracy(AttentionOnlyDecoder model, int[][] sequences)
    {
        ArgumentNullException.ThrowIfNull(model);
        var accuracy = new double[model.Config.Layers, model.Config.Heads];
        for (int l = 0; l < model.Config.Layers; l++)
        {
            for (int h = 0; h < model.Config.Heads; h++)
            {
                accuracy[l, h] = RepeatedHalfAccuracy(model, sequences, MeanAblation(l, h));
            }
        }

        return accuracy;
    }

    /// <summary>The segment length of sequences that are each a segment followed by its repeat.</summary>
    /// <exception cref="ArgumentException">A sequence is not of that form.</exception>
    public static int RequireRepeated(int[][] sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Length == 0 || sequences[0] is null || sequences[0].Length < 4 || sequences[0].Length % 2 != 0)
        {
            throw new ArgumentException("sequences must hold repeated sequences of even length ≥ 4 (a segment of ≥ 2 tokens, then its copy).", nameof(sequences));
        }

        int segment = sequences[0].Length / 2;
        for (int b = 0; b < sequences.Length; b++)
        {
            int[] s = sequences[b];
            if (s is null || s.Length != 2 * segment || !s.AsSpan(0, segment).SequenceEqual(s.AsSpan(segment)))
            {
                throw new ArgumentException($"sequences[{b}] is not a segment of {segment} tokens followed by the same {segment}.", nameof(sequences));
            }
        }

        return segment;
    }
}
