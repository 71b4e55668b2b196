using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 5.1: the causal mask — for packed documents and a chunk of queries at the end, and with left padding.</summary>
internal static class CausalMaskExercises
{
    /// <summary>Exercise 5.1a: the function the student writes.</summary>
    public delegate Tensor PackedCausalMask(int[] documentLengths, int queries);

    /// <summary>Exercise 5.1b: the function the student writes.</summary>
    public delegate Tensor MaskedWeights(Tensor scores, int[] lengths);

    public static Exercise[] All =>
    [
        new Exercise<PackedCausalMask>
        {
            Id = "5.1a",
            Title = "Causal mask for packed documents",
            Points = 2,
            Notebook = "05.1",
            Task = "Training packs several documents into one sequence to avoid padding: documentLengths[d] tokens of document 0, then of document 1, …; S = their sum "
                + "(a document may be empty). No token may see another document, nor the future. The L = queries rows are the LAST L of the S positions (query i sits at "
                + "position i + S − L), as when a chunk is prefilled against a cache. Return the [L, S] mask: 1 where query i may attend to key j, 0 elsewhere. "
                + "queries outside 1 .. S is rejected with an ArgumentException.",
            SameAs = [typeof(Mask), typeof(ScaledDotProductAttention), typeof(CachedAttention)],
            StoresAnswers = true,
            Cases =
            [
                Packed("one document of 5 tokens, all 5 query", [5], 5),
                Packed("documents of 3, 2 and 4 tokens, all 9 query", [3, 2, 4], 9),
                Packed("documents of 4 and 3 tokens, the last 2 positions query (a chunk after a cache)", [4, 3], 2),
                Packed("an empty document between two: 2, 0, 3 tokens, the last 4 query", [2, 0, 3], 4),
                Cases.Throws<ArgumentException>(
                    "6 queries over 5 positions is rejected",
                    () => [new[] { 2, 3 }, 6],
                    "the queries are some of the packed positions."),
            ],
        },

        new Exercise<MaskedWeights>
        {
            Id = "5.1b",
            Title = "Causal weights of a left-padded batch",
            Points = 3,
            Notebook = "05.1",
            Task = "scores [B, n, n] (one head); batch row b holds lengths[b] real tokens at the END (left padding). Query i may see key j when j ≤ i and j is a real token. Return the softmax over the visible keys, [B, n, n]: masked keys get weight exactly 0, and a row that sees nothing (a padding query) is all zeros.",
            SameAs = [.. KvCacheExercises.Attends],
            Cases =
            [
                Padded("no padding: plain causal weights", [5], n: 5, seed: 511),
                Padded("left padding 2 and 0 in a batch of two", [3, 5], n: 5, seed: 512),
                Padded("large scores: subtract the row max before exp", [4, 2], n: 6, seed: 513, sigma: 40),
                Padded("a sequence that is all padding gives zero rows", [0, 3], n: 3, seed: 514),
            ],
        },
    ];

    private static GradedCase Padded(string name, int[] lengths, int n, int seed, double sigma = 1) =>
        Cases.Tensor(
            name,
            () =>
            {
                Tensor logits = Tensor.Random(seed, [lengths.Length, n, n], sigma);
                for (int b = 0; b < lengths.Length; b++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            if (j > i || j < n - lengths[b])
                            {
                                logits[b, i, j] = float.NegativeInfinity;
                            }
                        }
                    }
                }

                return Softmax.LastAxis(logits);
            },
            () => [Tensor.Random(seed, [lengths.Length, n, n], sigma), lengths.Clone()],
            "add −∞ to every hidden score before the softmax (never zero weights after it: the rest would no longer sum to one); a row with no visible key stays 0.");

    private static GradedCase Packed(string name, int[] documentLengths, int queries) =>
        PracticeAnswers.Tensor(
            "5.1a",
            name,
            () => [documentLengths.Clone(), queries],
            "two rules must both allow a pair (which?), and the rows are the last positions, not the first: check row 0 of the chunk case by hand.",
            tolerance: 0);
}
