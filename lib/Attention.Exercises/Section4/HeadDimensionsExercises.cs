using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.1: from d_model to heads — which columns of a projection belong to which head.</summary>
internal static class HeadDimensionsExercises
{
    /// <summary>Exercise 4.1a: the function the student writes.</summary>
    public delegate Tensor SplitFusedQkv(Tensor qkv, int heads);

    /// <summary>Exercise 4.1b: the function the student writes.</summary>
    public delegate Tensor QkCircuits(Tensor W_Q, Tensor W_K, int heads);

    public static Exercise[] All =>
    [
        new Exercise<SplitFusedQkv>
        {
            Id = "4.1a",
            Title = "Heads out of a fused QKV projection",
            Points = 2,
            Notebook = "04.1",
            Task = "qkv [B, n, 3·d_model] is X·W_QKV from one fused projection whose columns are laid out per head, as GPT-NeoX stores them: "
                + "all of head 0 (its d_k query columns, then its d_k key columns, then its d_k value columns), then all of head 1, and so on; d_k = d_model / heads. "
                + "Return [3, B, heads, n, d_k]: [0] the queries, [1] the keys, [2] the values, each split into heads as 4.1 splits Q. "
                + "A width that cannot be laid out this way is rejected with an ArgumentException.",
            SameAs = [typeof(Heads), typeof(MultiHeadAttention)],
            StoresAnswers = true,
            Cases =
            [
                Fused("B=1, n=3, d_model=8, heads=2", 1, 3, 8, 2, seed: 411),
                Fused("B=2, n=2, d_model=6, heads=3 (d_k = 2)", 2, 2, 6, 3, seed: 412),
                Fused("B=1, n=2, d_model=4, heads=1 (one head)", 1, 2, 4, 1, seed: 413),
                Fused("B=1, n=1, d_model=4, heads=4 (d_k = 1)", 1, 1, 4, 4, seed: 414),
                Cases.Throws<ArgumentException>(
                    "width 3·d_model = 30 with heads = 4 is rejected",
                    () => [Tensor.Random(415, [1, 2, 30]), 4],
                    "each head needs the same whole number of query, key and value columns."),
                Cases.Throws<ArgumentException>(
                    "a width that is not a multiple of 3 is rejected",
                    () => [Tensor.Random(416, [1, 2, 10]), 1],
                    "the fused projection holds queries, keys and values: three equal parts."),
            ],
        },

        new Exercise<QkCircuits>
        {
            Id = "4.1b",
            Title = "The matrix behind each head's scores",
            Points = 2,
            Notebook = "04.1",
            Task = "W_Q, W_K [d_model, d_model] make the queries and keys, split into heads as in 4.1 (head a owns columns a·d_k .. (a+1)·d_k − 1, d_k = d_model / heads). "
                + "Return [heads, d_model, d_model]: for each head a, the one matrix M_a with which head a's score of a query token x against a key token y "
                + "(x, y rows [1, d_model] of the residual stream; the score being exactly what head a feeds its softmax) is x M_a yᵀ. "
                + "heads that do not divide d_model are rejected with an ArgumentException.",
            SameAs = [typeof(Heads), typeof(MultiHeadAttention)],
            StoresAnswers = true,
            Cases =
            [
                Circuits("d_model=4, heads=2", 4, 2, seed: 417),
                Circuits("d_model=6, heads=3", 6, 3, seed: 418),
                Circuits("d_model=3, heads=1 (one head)", 3, 1, seed: 419),
                Circuits("d_model=4, heads=4 (d_k = 1)", 4, 4, seed: 420),
                Cases.Throws<ArgumentException>(
                    "d_model=6, heads=4 is rejected",
                    () => [Tensor.Random(421, [6, 6]), Tensor.Random(422, [6, 6]), 4],
                    "every head owns the same number of columns."),
            ],
        },
    ];

    private static GradedCase Fused(string name, int B, int n, int dModel, int heads, int seed) =>
        PracticeAnswers.Tensor(
            "4.1a",
            name,
            () => [Tensor.Random(seed, [B, n, 3 * dModel]), heads],
            $"the result is [3, B, heads, n, d_k] = [3, {B}, {heads}, {n}, {dModel / heads}]. Counter-example to check yourself against: with one head the fused layout and the "
            + "[Q | K | V] layout of GPT-2 coincide; with two they do not.",
            tolerance: 0);

    private static GradedCase Circuits(string name, int dModel, int heads, int seed) =>
        PracticeAnswers.Tensor(
            "4.1b",
            name,
            () => [Tensor.Random(seed, [dModel, dModel]), Tensor.Random(seed + 1, [dModel, dModel]), heads],
            "write head a's score of x against y with its own query and key, then ask which matrices stand between x and yᵀ. Everything the softmax sees counts.",
            tolerance: 1e-5);
}
