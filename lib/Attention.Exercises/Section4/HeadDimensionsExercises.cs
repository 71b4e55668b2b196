using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.1: from d_model to heads — splitting the model dimension into h heads of d_model/h.</summary>
internal static class HeadDimensionsExercises
{
    /// <summary>Exercise 4.1a: the function the student writes.</summary>
    public delegate Tensor SplitHeads(Tensor X, int heads);

    /// <summary>Exercise 4.1b: the function the student writes.</summary>
    public delegate Tensor HeadQueries(Tensor X, Tensor W_Q, int heads);

    public static Exercise[] All =>
    [
        new Exercise<SplitHeads>
        {
            Id = "4.1a",
            Title = "Split d_model into heads",
            Points = 2,
            Notebook = "04.1",
            Task = "X [B, n, d_model] → [B, heads, n, d_k], d_k = d_model / heads: head a takes columns a·d_k .. (a+1)·d_k − 1.",
            SameAs = [typeof(Heads), typeof(MultiHeadAttention)],
            Cases =
            [
                Split("B=2, N=5, d_model=12, heads=3", 2, 5, 12, 3, seed: 411),
                Split("B=1, N=4, d_model=8, heads=1 (one head keeps everything)", 1, 4, 8, 1, seed: 412),
                Split("B=1, N=3, d_model=6, heads=6 (d_head = 1)", 1, 3, 6, 6, seed: 413),
                Cases.Throws<ArgumentException>(
                "d_model=10, heads=4 is rejected",
                () => [Tensor.Random(414, [1, 2, 10]), 4],
                "heads must divide d_model: throw an ArgumentException rather than drop columns."),
            ],
        },

        new Exercise<HeadQueries>
        {
            Id = "4.1b",
            Title = "Per-head queries",
            Points = 2,
            Notebook = "04.1",
            Task = "X [B, n, d_model], W_Q [d_model, d_model] → Q = X W_Q split into heads, [B, heads, n, d_k], d_k = d_model / heads.",
            SameAs = [typeof(Heads), typeof(MultiHeadAttention)],
            Cases =
            [
                Queries("B=2, N=3, d_model=8, heads=2", 2, 3, 8, 8, 2, seed: 415),
                Queries("B=1, N=4, d_model=6, W_Q 6×12, heads=3", 1, 4, 6, 12, 3, seed: 416),
                Queries("B=1, N=1, d_model=4, heads=4", 1, 1, 4, 4, 4, seed: 417),
            ],
        },
    ];

    private static GradedCase Split(string name, int B, int N, int dModel, int heads, int seed) =>
        Cases.Tensor(
            name,
            () => Heads.Split(Tensor.Random(seed, [B, N, dModel]), heads),
            () => [Tensor.Random(seed, [B, N, dModel]), heads],
            $"the result is [B, heads, n, d_k] = [{B}, {heads}, {N}, {dModel / heads}]; head a of token i is X[b, i, a·d_k .. (a+1)·d_k).",
            tolerance: 0);

    private static GradedCase Queries(string name, int B, int N, int dModel, int dOut, int heads, int seed) =>
        Cases.Tensor(
            name,
            () => Heads.Split(Linear.Forward(Tensor.Random(seed, [B, N, dModel]), Tensor.Random(seed + 1, [dModel, dOut])), heads),
            () => [Tensor.Random(seed, [B, N, dModel]), Tensor.Random(seed + 1, [dModel, dOut]), heads],
            "multiply X W_Q first ([B, n, d_model] · [d_model, d_out]), then split the last axis into heads.");
}
