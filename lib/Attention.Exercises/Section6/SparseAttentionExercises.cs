using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 6.4: a local pattern with global tokens, and how far information travels through layers of a pattern.</summary>
internal static class SparseAttentionExercises
{
    /// <summary>Exercise 6.4a: the function the student writes.</summary>
    public delegate Tensor LocalGlobalMask(int n, int window, int[] globals);

    /// <summary>Exercise 6.4b: the function the student writes.</summary>
    public delegate Tensor Reach(Tensor mask, int layers);

    public static Exercise[] All =>
    [
        new Exercise<LocalGlobalMask>
        {
            Id = "6.4a",
            Title = "A sliding window with global tokens",
            Points = 2,
            Notebook = "06.4",
            Task = "[n, n] of 1 where query i may attend to key j in a causal decoder, 0 elsewhere: i sees its window of W keys i − W + 1 .. i (its own included), every global key j ≤ i, and a global query sees every key j ≤ i. Nothing in the future.",
            SameAs = [typeof(Mask), typeof(SparseAttention)],
            Cases =
            [
                Pattern("a plain window: W = 3, no globals", n: 8, window: 3, globals: []),
                Pattern("an attention sink: token 0 is global", n: 10, window: 3, globals: [0]),
                Pattern("two globals, one in the middle", n: 12, window: 2, globals: [0, 5]),
                Pattern("window 1 and a global: the diagonal plus a column", n: 7, window: 1, globals: [2]),
                Pattern("a window longer than the sequence is causal", n: 6, window: 10, globals: [3]),
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

    private static GradedCase Pattern(string name, int n, int window, int[] globals) =>
        Cases.Tensor(
            name,
            () => ToTensor(SparseAttention.GlobalTokens(n, n, globals, Mask.SlidingWindow(n, n, window)).And(Mask.Causal(n, n))),
            () => [n, window, globals.Clone()],
            "visible = (j ≤ i) and (i − j < W, or j is global, or i is global).",
            tolerance: 0);

    private static GradedCase ReachCase(string name, Mask pattern, int layers) =>
        Cases.Tensor(
            name,
            () =>
            {
                int n = pattern.Queries;
                bool[,] step = new bool[n, n], reach = new bool[n, n];
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        step[i, j] = reach[i, j] = pattern[i, j] || i == j;
                    }
                }

                // reach_l(i, j) = OR_k step(i, k) AND reach_{l−1}(k, j): one more layer reads what its keys already held.
                for (int l = 1; l < layers; l++)
                {
                    var next = new bool[n, n];
                    for (int i = 0; i < n; i++)
                    {
                        for (int k = 0; k < n; k++)
                        {
                            if (step[i, k])
                            {
                                for (int j = 0; j < n; j++)
                                {
                                    next[i, j] |= reach[k, j];
                                }
                            }
                        }
                    }

                    reach = next;
                }

                var t = new Tensor(n, n);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        t[i, j] = reach[i, j] ? 1 : 0;
                    }
                }

                return t;
            },
            () => [ToTensor(pattern), layers],
            "add the diagonal (the residual), then compose layers: reach after l layers = step ∘ reach after l − 1 (a boolean matrix product).",
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
