namespace Attention.Models;

/// <summary>
/// What one head of a real model does, averaged over every query token of every sentence measured (padding excluded).
/// </summary>
/// <param name="Layer">Layer index (0 = first).</param>
/// <param name="Head">Head index within the layer.</param>
/// <param name="PreviousToken">Mean weight on the token just before the query (queries after [CLS]).</param>
/// <param name="NextToken">Mean weight on the token just after the query (queries before [SEP]).</param>
/// <param name="Self">Mean weight on the query's own position.</param>
/// <param name="ClsMass">Mean weight on [CLS], the first token: a sink.</param>
/// <param name="SepMass">Mean weight on [SEP], the last token: the other sink of BERT-style models.</param>
/// <param name="MeanDistance">Mean of Σ_j w_ij |i − j|: how far the head looks.</param>
/// <param name="Entropy">Mean row entropy in nats: how many keys share the weight.</param>
public sealed record HeadStatistics(
    int Layer, int Head, double PreviousToken, double NextToken, double Self, double ClsMass, double SepMass, double MeanDistance, double Entropy)
{
    /// <summary>
    /// A name for what the head does most: previous-token, next-token, self, [CLS] sink or [SEP] sink when that weight
    /// averages above one half, "broad" when no single target does and the entropy is high, else "mixed".
    /// </summary>
    public string Label =>
        new (string Name, double Weight)[] { ("previous-token", PreviousToken), ("next-token", NextToken), ("self", Self), ("[CLS] sink", ClsMass), ("[SEP] sink", SepMass) }
            .OrderByDescending(t => t.Weight).First() is var (name, weight) && weight > 0.5 ? name
        : Entropy > 1.5 ? "broad" : "mixed";
}

/// <summary>Measures every head of <see cref="MiniLm"/> over a set of sentences.</summary>
public static class HeadFindings
{
    /// <summary>The statistics of every (layer, head), in layer-major order, over <paramref name="sentences"/> (each run alone, so no padding).</summary>
    public static IReadOnlyList<HeadStatistics> Measure(MiniLm model, IReadOnlyList<string> sentences)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sentences);
        int layers = model.Encoder.Layers.Count, heads = MiniLm.Heads;
        var sums = new double[layers, heads, 7];
        var counts = new double[3];   // query rows; rows with a previous token; rows with a next token
        foreach (string sentence in sentences)
        {
            BertTrace trace = model.Run(sentence);
            int n = trace.TokenIds.GetLength(1);
            counts[0] += n;
            counts[1] += n - 1;
            counts[2] += n - 1;
            for (int l = 0; l < layers; l++)
            {
                Tensor w = trace.Attention[l].Weights;   // [1, h, n, n]
                Tensor entropy = Diagnostics.Entropy(w), distance = Diagnostics.AttentionDistance(w), cls = Diagnostics.SinkMass(w, 1);
                for (int a = 0; a < heads; a++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        sums[l, a, 0] += i >= 1 ? w[0, a, i, i - 1] : 0;
                        sums[l, a, 1] += i + 1 < n ? w[0, a, i, i + 1] : 0;
                        sums[l, a, 2] += w[0, a, i, i];
                        sums[l, a, 3] += cls[0, a, i];
                        sums[l, a, 4] += w[0, a, i, n - 1];
                        sums[l, a, 5] += distance[0, a, i];
                        sums[l, a, 6] += entropy[0, a, i];
                    }
                }
            }
        }

        var result = new List<HeadStatistics>();
        for (int l = 0; l < layers; l++)
        {
            for (int a = 0; a < heads; a++)
            {
                result.Add(new HeadStatistics(l, a, sums[l, a, 0] / counts[1], sums[l, a, 1] / counts[2], sums[l, a, 2] / counts[0],
                    sums[l, a, 3] / counts[0], sums[l, a, 4] / counts[0], sums[l, a, 5] / counts[0], sums[l, a, 6] / counts[0]));
            }
        }

        return result;
    }

    /// <summary>The sentences of a course data file: one per line, blank lines and lines starting with # skipped.</summary>
    public static string[] ReadSentences(string path) =>
        [.. File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
}
