namespace Attention.Models;

/// <summary>What mean-ablating one head does to sentence embeddings.</summary>
/// <param name="Layer">Layer index.</param>
/// <param name="Head">Head index.</param>
/// <param name="EmbeddingShift">Mean of 1 − cos(e, e_ablated) over the sentences: how far the embeddings move.</param>
/// <param name="PairSimilarityChange">Mean |cos_ablated(a, b) − cos(a, b)| over the sentence pairs.</param>
/// <param name="Separation">Mean cosine of the "same" pairs minus that of the "different" pairs, with the head ablated.</param>
public sealed record HeadAblationEffect(int Layer, int Head, double EmbeddingShift, double PairSimilarityChange, double Separation);

/// <summary>
/// Ablation on a real model: replace one head's output at every real token by its mean over all real tokens of the batch
/// (mean ablation keeps the average signal and removes what the head says about each token), run the rest of the model,
/// and measure what changes in the sentence embeddings and in the similarity of sentence pairs.
/// </summary>
public static class HeadAblation
{
    /// <summary>A sentence pair and whether its two sentences mean the same.</summary>
    public sealed record Pair(bool Same, string First, string Second);

    /// <summary>The separation without any ablation, and the effect of ablating each (layer, head) in <paramref name="heads"/>.</summary>
    public static (double BaselineSeparation, IReadOnlyList<HeadAblationEffect> Effects) Measure(
        MiniLm model, IReadOnlyList<Pair> pairs, IEnumerable<(int Layer, int Head)> heads)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(heads);
        int[][] ids = [.. pairs.SelectMany(p => new[] { p.First, p.Second }).Select(model.Tokenize)];
        Tensor baseline = MiniLm.Embed(model.Encoder.Forward(ids));
        double[] baseCos = PairCosines(baseline, pairs.Count);
        var effects = new List<HeadAblationEffect>();
        foreach (var (layer, head) in heads)
        {
            Tensor ablated = MiniLm.Embed(model.Encoder.Forward(ids, (l, H) => l == layer ? MeanAblate(H, head, ids) : H));
            double[] cos = PairCosines(ablated, pairs.Count);
            double shift = Enumerable.Range(0, ids.Length).Average(s => 1 - Cosine(baseline, s, ablated, s));
            effects.Add(new HeadAblationEffect(layer, head, shift, cos.Zip(baseCos, (a, b) => Math.Abs(a - b)).Average(), Separation(cos, pairs)));
        }

        return (Separation(baseCos, pairs), effects);
    }

    /// <summary>The pairs of a course data file: lines "same|different TAB first TAB second", # for comments.</summary>
    public static Pair[] ReadPairs(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).Select(f => new Pair(f[0] == "same", f[1], f[2]))];

    // Head outputs [B, h, n, d_v]: head `head` at every real token replaced by its mean over the real tokens of the batch.
    private static Tensor MeanAblate(Tensor headOutputs, int head, int[][] ids)
    {
        Tensor edited = headOutputs.Clone();
        int dv = headOutputs.Dim(3);
        var mean = new double[dv];
        int count = 0;
        for (int b = 0; b < ids.Length; b++)
        {
            for (int i = 0; i < ids[b].Length; i++, count++)
            {
                Span<float> v = headOutputs.Row(b, head, i);
                for (int e = 0; e < dv; e++)
                {
                    mean[e] += v[e];
                }
            }
        }

        for (int b = 0; b < ids.Length; b++)
        {
            for (int i = 0; i < ids[b].Length; i++)
            {
                Span<float> v = edited.Row(b, head, i);
                for (int e = 0; e < dv; e++)
                {
                    v[e] = (float)(mean[e] / count);
                }
            }
        }

        return edited;
    }

    private static double[] PairCosines(Tensor embeddings, int pairs) => [.. Enumerable.Range(0, pairs).Select(p => Cosine(embeddings, 2 * p, embeddings, (2 * p) + 1))];

    private static double Separation(double[] cos, IReadOnlyList<Pair> pairs) =>
        Enumerable.Range(0, pairs.Count).Where(p => pairs[p].Same).Average(p => cos[p])
        - Enumerable.Range(0, pairs.Count).Where(p => !pairs[p].Same).Average(p => cos[p]);

    private static double Cosine(Tensor a, int rowA, Tensor b, int rowB)
    {
        double dot = 0, na = 0, nb = 0;
        for (int e = 0; e < a.Dim(1); e++)
        {
            dot += (double)a[rowA, e] * b[rowB, e];
            na += (double)a[rowA, e] * a[rowA, e];
            nb += (double)b[rowB, e] * b[rowB, e];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
