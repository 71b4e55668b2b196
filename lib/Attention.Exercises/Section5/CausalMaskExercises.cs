namespace Attention;

/// <summary>Notebook 5.1: the causal mask, aligned for a chunk of queries at the end of the key sequence.</summary>
internal static class CausalMaskExercises
{
    public static Exercise[] All =>
    [
        new Exercise<Func<int, int, Tensor>>(
            "5.1a", "Causal mask for a chunk", 2, "05.1",
            "Tensor ChunkMask(int queries, int keys)",
            "[L, S] of 1 where query i may attend to key j and 0 elsewhere; the L queries are the LAST L of the S positions, so query i sits at position i + S − L and sees keys 0 .. i + S − L.",
            ["Attention.Mask", "Attention.ScaledDotProductAttention", "Attention.CachedAttention"],
            Chunk("training or full prefill: L = S = 5", 5, 5),
            Chunk("a chunk of 3 new queries after 4 cached keys: L = 3, S = 7", 3, 7),
            Chunk("one decode query against 9 keys: L = 1, S = 9", 1, 9),
            Chunk("more queries than keys, L = 5, S = 3: the first two rows see nothing", 5, 3)),
    ];

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
