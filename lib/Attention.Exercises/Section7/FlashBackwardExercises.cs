using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 7.5: gradients that no shipped backward computes, from the same few lines of algebra.</summary>
internal static class FlashBackwardExercises
{
    /// <summary>Exercise 7.5a: the function the student writes.</summary>
    public delegate double[] AlibiSlopeGradients(Tensor Q, Tensor K, Tensor V, double[] slopes, Tensor dO);

    /// <summary>Exercise 7.5b: the function the student writes.</summary>
    public delegate Tensor GroupedKvGradients(Tensor Q, Tensor K, Tensor V, Tensor dO);

    public static Exercise[] All =>
    [
        new Exercise<AlibiSlopeGradients>
        {
            Id = "7.5a",
            Title = "Learning the ALiBi slopes",
            Points = 3,
            Notebook = "07.5",
            Task = "Causal attention with ALiBi, one sequence: Q [H, L, d], K [H, S, d], V [H, S, dv], L ≤ S, and the L queries are the last L of the S positions "
                + "(query i sits at position i + S − L and sees keys j up to it). Head h's logits are Q·K / √d − slopes[h] · (distance from key to query). Given "
                + "dO [H, L, dv] = ∂loss/∂O, return ∂loss/∂slopes[h] for every head, as double[H]. slopes must have one entry per head, else an ArgumentException.",
            SameAs = [typeof(Alibi)],
            StoresAnswers = true,
            Cases =
            [
                Slopes("one query, one key: nothing to push apart", 1, 1, 1, 2, 2, [0.5], 1),
                Slopes("two heads, 4 queries over 4 keys", 2, 4, 4, 3, 2, [0.5, 0.25], 2),
                Slopes("decode: one query against 6 cached keys", 1, 1, 6, 4, 3, [0.125], 3),
                Slopes("slope 0 is no fixed point: the gradient still flows", 2, 3, 5, 2, 2, [0, 1], 4),
                Cases.Throws<ArgumentException>(
                    "a slope per head, not fewer",
                    () => [Tensor.Random(1, [2, 2, 2]), Tensor.Random(2, [2, 2, 2]), Tensor.Random(3, [2, 2, 2]), new double[] { 0.5 }, Tensor.Random(4, [2, 2, 2])],
                    "each head has its own slope."),
            ],
        },

        new Exercise<GroupedKvGradients>
        {
            Id = "7.5b",
            Title = "The gradients of shared keys and values",
            Points = 2,
            Notebook = "07.5",
            Task = "Grouped-query attention without a mask: Q [Hq, L, d], K [H, S, d], V [H, S, dv], scale 1/√d, and query head h reads KV head h / (Hq / H) (4.5). "
                + "Given dO [Hq, L, dv] = ∂loss/∂O, return ∂loss/∂K and ∂loss/∂V side by side as one tensor [H, S, d + dv]: dK in features 0..d − 1, dV after it. "
                + "Hq not a multiple of H is an ArgumentException.",
            SameAs = [typeof(GroupedQueryAttention)],
            StoresAnswers = true,
            Cases =
            [
                Grouped("MHA: one query head per KV head", 2, 2, 3, 4, 3, 2, 1),
                Grouped("MQA: 3 query heads share one KV head", 3, 1, 2, 3, 2, 2, 2),
                Grouped("GQA: 4 query heads in 2 groups", 4, 2, 3, 3, 2, 1, 3),
                Grouped("GQA with a single key: all its weight is 1", 6, 2, 2, 1, 2, 2, 4),
                Cases.Throws<ArgumentException>(
                    "3 query heads cannot share 2 KV heads evenly",
                    () => [Tensor.Random(1, [3, 2, 2]), Tensor.Random(2, [2, 2, 2]), Tensor.Random(3, [2, 2, 2]), Tensor.Random(4, [3, 2, 2])],
                    "every KV head serves a whole group."),
            ],
        },
    ];

    private static GradedCase Slopes(string name, int H, int L, int S, int d, int dv, double[] slopes, int seed) =>
        PracticeAnswers.Values<double>(
            "7.5a",
            name,
            () => [Tensor.Random(seed, [H, L, d]), Tensor.Random(seed + 1, [H, S, d]), Tensor.Random(seed + 2, [H, S, dv]), slopes.Clone(), Tensor.Random(seed + 3, [H, L, dv])],
            "a slope moves every logit of its head at once, by an amount that grows with distance. What does the loss feel when one logit moves? That is the gradient 7.5 derives.");

    private static GradedCase Grouped(string name, int Hq, int H, int L, int S, int d, int dv, int seed) =>
        PracticeAnswers.Tensor(
            "7.5b",
            name,
            () => [Tensor.Random(seed, [Hq, L, d]), Tensor.Random(seed + 1, [H, S, d]), Tensor.Random(seed + 2, [H, S, dv]), Tensor.Random(seed + 3, [Hq, L, dv])],
            "a KV head is one parameter read by several query heads: how do the contributions of its readers combine?");
}
