using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 6.4: the tiles a block-sparse kernel computes for a window with sinks, and how far information travels through layers of a pattern.</summary>
internal static class SparseAttentionExercises
{
    /// <summary>Exercise 6.4a: the function the student writes.</summary>
    public delegate long TilesComputed(int n, int window, int sinks, int blockRows, int blockCols);

    /// <summary>Exercise 6.4b: the function the student writes.</summary>
    public delegate Tensor Reach(Tensor mask, int layers);

    public static Exercise[] All =>
    [
        new Exercise<TilesComputed>
        {
            Id = "6.4a",
            Title = "The tiles a block-sparse kernel computes",
            Points = 2,
            Notebook = "06.4",
            Task = "A causal decoder of n tokens attends through a sliding window of `window` keys (the query's own included) plus the first `sinks` tokens, which every "
                + "later query sees (StreamingLLM's attention sinks). A tiled kernel splits the n × n scores into tiles of blockRows queries × blockCols keys (the last "
                + "row and column of tiles may be smaller) and computes a tile only if at least one of its (query, key) pairs is visible. How many tiles does it compute? "
                + "Sizes must be positive (sinks may be 0), else an ArgumentException.",
            SameAs = [typeof(Mask), typeof(SparseAttention)],
            StoresAnswers = true,
            Cases =
            [
                Tiles("causal only (window ≥ n): the lower triangle of 4 × 4 tiles", 16, 16, 0, 4, 4),
                Tiles("a window of 256 over 4096 tokens, 64 × 64 tiles", 4096, 256, 0, 64, 64),
                Tiles("the same with 4 sink tokens", 4096, 256, 4, 64, 64),
                Tiles("tall tiles 128 × 32, window 100, 1 sink, n = 1000 (partial tiles at the edge)", 1000, 100, 1, 128, 32),
                Tiles("window 1: only the diagonal", 10, 1, 0, 3, 3),
                Cases.Throws<ArgumentException>(
                    "a window of 0 is rejected",
                    () => [8, 0, 0, 2, 2],
                    "a query always sees itself."),
            ],
        },

        new Exercise<Reach>
        {
            Id = "6.4b",
            Title = "How far information travels through layers",
            Points = 3,
            Notebook = "06.4",
            Task = "mask [n, n] (1 = query i attends to key j) is every layer's pattern. The residual stream carries each position's own state forward, so after one layer position i holds information from j when mask[i, j] = 1 or j = i. Return [n, n] of 1 where information from position j can reach position i after `layers` layers, else 0.",
            SameAs = [typeof(Mask), typeof(SparseAttention)],
            StoresAnswers = true,
            Cases =
            [
                ReachCase("a window of 3, one layer: the mask and the diagonal", Sliding(10, 3), layers: 1),
                ReachCase("a window of 3 over 3 layers: 7 positions back", Sliding(12, 3), layers: 3),
                ReachCase("previous token only (no self key), 4 layers: the residual keeps each step", PreviousOnly(8), layers: 4),
                ReachCase("dilated window (W = 2, r = 3) over 2 layers", SparseAttention.Dilated(12, 12, 2, 3), layers: 2),
                ReachCase("a window of 2 with a global token 0 over 2 layers", SparseAttention.GlobalTokens(9, 9, [0], Mask.SlidingWindow(9, 9, 2)).And(Mask.Causal(9, 9)), layers: 2),
            ],
        },
    ];

    private static GradedCase Tiles(string name, int n, int window, int sinks, int blockRows, int blockCols) =>
        PracticeAnswers.Value<long>(
            "6.4a",
            name,
            () => [n, window, sinks, blockRows, blockCols],
            "a tile is computed when ANY pair in it is visible: for a tile, ask which of its pairs comes closest to being visible, for each of the two ways a key can be visible.",
            tolerance: 0);

    private static GradedCase ReachCase(string name, Mask pattern, int layers) =>
        PracticeAnswers.Tensor(
            "6.4b",
            name,
            () => [ToTensor(pattern), layers],
            "one layer moves information one hop along the pattern, and the residual stream lets a position keep what it had: compose hops, do not just look further along one.",
            tolerance: 0);

    private static Mask Sliding(int n, int window) => Mask.SlidingWindow(n, n, window);

    private static Mask PreviousOnly(int n) => Mask.FromPredicate(n, n, (i, j) => j == i - 1);

    private static Tensor ToTensor(Mask mask)
    {
        var t = new Tensor(mask.Queries, mask.Keys);
        for (int i = 0; i < mask.Queries; i++)
        {
            for (int j = 0; j < mask.Keys; j++)
            {
                t[i, j] = mask[i, j] ? 1 : 0;
            }
        }

        return t;
    }
}
