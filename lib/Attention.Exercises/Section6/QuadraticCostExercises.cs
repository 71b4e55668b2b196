using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 6.1: how many scores attention computes, and reading the growth exponent off measurements.</summary>
internal static class QuadraticCostExercises
{
    /// <summary>Exercise 6.1a: the function the student writes.</summary>
    public delegate long VisiblePairs(long queries, long keys, bool causal, long window);

    /// <summary>Exercise 6.1b: the function the student writes.</summary>
    public delegate double FitExponent(double[] N, double[] cost);

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

        new Exercise<FitExponent>
        {
            Id = "6.1b",
            Title = "The exponent of a measured cost",
            Points = 2,
            Notebook = "06.1",
            Task = "Fit cost ≈ c · N^k by least squares on the points (ln N_i, ln cost_i) and return the slope k. Points may come in any order; there are at least two distinct N.",
            SameAs = [typeof(PowerLaw)],
            Cases =
            [
                Exponent("score bytes, exactly quadratic", [512, 1024, 2048, 4096], N => 4 * N * N),
                Exponent("projection FLOPs, exactly linear", [512, 1024, 2048, 4096], N => 1.5e6 * N),
                Exponent("projections + scores at short lengths: between 1 and 2", [16, 32, 64, 128], N => (768 * N) + (N * N)),
                Exponent("the same law at long lengths: close to 2", [8192, 16384, 32768, 65536], N => (768 * N) + (N * N)),
                Exponent("timings in any order, with noise", [4096, 512, 2048, 1024], N => 3e-9 * N * N * (1 + (0.05 * Math.Sin(N)))),
                Exponent("two points", [1000, 3000], N => 7 * Math.Pow(N, 1.5)),
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

    private static GradedCase Exponent(string name, double[] N, Func<double, double> cost) =>
        Cases.Value(
            name,
            () => PowerLaw.FitExponent(N, N.Select(cost).ToArray()),
            () => [N.ToArray(), N.Select(cost).ToArray()],
            "x = ln N, y = ln cost; slope = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)². Fitting on N and cost themselves (not their logs) gives the wrong slope.",
            tolerance: 1e-6);
}
