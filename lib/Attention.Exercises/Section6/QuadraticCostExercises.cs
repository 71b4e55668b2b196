using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 6.1: how many scores attention computes, and reading the growth exponent off measurements.</summary>
internal static class QuadraticCostExercises
{
    /// <summary>Exercise 6.1a: the function the student writes.</summary>
    public delegate long VisiblePairs(long queries, long keys, bool causal, long window);

    /// <summary>Exercise 6.1b: the function the student writes.</summary>
    public delegate double CrossoverLength(double[] N, double[] cost);

    public static Exercise[] All =>
    [
        new Exercise<VisiblePairs>
        {
            Id = "6.1a",
            Title = "Visible score pairs: quadratic or linear",
            Points = 2,
            Notebook = "06.1",
            Task = "The last L = queries of the S = keys positions query the S keys (query i sits at position p = i + S − L). Return how many (query, key) scores are computed: all L·S when not causal; when causal, position p sees keys 0..p, and with window W > 0 only the last W of them (p − W + 1 .. p). window = 0 means no window. Counts pass 2³¹ at long context: use long.",
            SameAs = [typeof(CostModel), typeof(Mask), typeof(SparseAttention)],
            Cases =
            [
                Pairs("dense: L = S = 1000", 1000, 1000, causal: false, window: 0),
                Pairs("causal prefill: L = S = 4096", 4096, 4096, causal: true, window: 0),
                Pairs("causal at 128k tokens: more than 2³¹ pairs", 131072, 131072, causal: true, window: 0),
                Pairs("a chunk of 512 queries after 3584 cached keys", 512, 4096, causal: true, window: 0),
                Pairs("one decode query against 32768 keys", 1, 32768, causal: true, window: 0),
                Pairs("window 4096 at 128k tokens: linear in N", 131072, 131072, causal: true, window: 4096),
                Pairs("a window longer than the sequence is plain causal", 100, 100, causal: true, window: 1000),
                Pairs("window 1: only the diagonal", 64, 64, causal: true, window: 1),
            ],
        },

        new Exercise<CrossoverLength>
        {
            Id = "6.1b",
            Title = "Where the quadratic part takes over",
            Points = 2,
            Notebook = "06.1",
            Task = "A layer's cost was counted at sequence lengths N_i (any order, at least two distinct lengths). It has a part linear in N (projections, MLP) and a part "
                + "quadratic in N (scores and weighted values), both positive and nothing else: cost_i = a·N_i + b·N_i². Return the length N at which the two parts are equal.",
            SameAs = [typeof(PowerLaw)],
            StoresAnswers = true,
            Cases =
            [
                Crossover("GPT-2 small layer FLOPs per token pair: 24·768·N + 4·N²", [512, 1024, 2048, 4096], N => (24 * 768 * N) + (4 * N * N)),
                Crossover("two lengths are enough", [100, 300], N => (5 * N) + (0.5 * N * N)),
                Crossover("lengths in any order, far past the crossover", [65536, 8192, 32768, 16384], N => (1000 * N) + (2 * N * N)),
                Crossover("long before the crossover: the quadratic part is tiny", [16, 8, 32, 64], N => (1e6 * N) + (3 * N * N)),
            ],
        },
    ];

    private static GradedCase Pairs(string name, long L, long S, bool causal, long window) =>
        Cases.Value(
            name,
            () => CostModel.VisiblePairs(L, S, causal, window > 0 ? window : null),
            () => [L, S, causal, window],
            causal
                ? "sum over the L query positions p = S − L .. S − 1 of the keys each sees: p + 1, or min(p + 1, W) with a window; a closed form per part or a loop in long both work."
                : "without a mask every query scores every key.",
            tolerance: 0);

    private static GradedCase Crossover(string name, double[] N, Func<double, double> cost) =>
        PracticeAnswers.Value<double>(
            "6.1b",
            name,
            () => [N.ToArray(), N.Select(cost).ToArray()],
            "there are two unknowns, and the model is linear in both: find coordinates in which the points lie on a straight line. A log-log slope answers a different question.",
            tolerance: 1e-6);
}
