using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 5.1: the causal mask, aligned for a chunk of queries at the end of the key sequence.</summary>
internal static class CausalMaskExercises
{
    /// <summary>Exercise 5.1a: the function the student writes.</summary>
    public delegate Tensor ChunkMask(int queries, int keys);

    /// <summary>Exercise 5.1b: the function the student writes.</summary>
    public delegate Tensor MaskedWeights(Tensor scores, int[] lengths);

    public static Exercise[] All =>
    [
        new Exercise<ChunkMask>
        {
            Id = "5.1a",
            Title = "Causal mask for a chunk",
            Points = 2,
            Notebook = "05.1",
            Task = "[L, S] of 1 where query i may attend to key j and 0 elsewhere; the L queries are the LAST L of the S positions, so query i sits at position i + S − L and sees keys 0 .. i + S − L.",
            SameAs = [typeof(Mask), typeof(ScaledDotProductAttention), typeof(CachedAttention)],
            Cases =
            [
                Chunk("training or full prefill: L = S = 5", 5, 5),
                Chunk("a chunk of 3 new queries after 4 cached keys: L = 3, S = 7", 3, 7),
                Chunk("one decode query against 9 keys: L = 1, S = 9", 1, 9),
                Chunk("more queries than keys, L = 5, S = 3: the first two rows see nothing", 5, 3),
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

    private static GradedCase Chunk(string name, int L, int S) =>
        Cases.Tensor(
            name,
            () =>
            {
                Mask mask = Mask.Causal(L, S, CausalAlignment.BottomRight);
                var t = new Tensor(L, S);
                for (int i = 0; i < L; i++)
                {
                    for (int j = 0; j < S; j++)
                    {
                        t[i, j] = mask[i, j] ? 1 : 0;
                    }
                }

                return t;
            },
            () => [L, S],
            $"bottom-right alignment: query i is position i + S − L = i + {S - L}; it sees key j when j ≤ i + {S - L} (top-left, j ≤ i, is right only when L = S).",
            tolerance: 0);
}
