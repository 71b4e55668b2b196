using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.3: concatenating head outputs and the output projection W_O — and what each head writes.</summary>
internal static class MergeHeadsExercises
{
    /// <summary>Exercise 4.3a: the function the student writes.</summary>
    public delegate Tensor HeadContributions(Tensor headOutputs, Tensor W_O);

    /// <summary>Exercise 4.3b: the function the student writes.</summary>
    public delegate Tensor OvCircuits(Tensor W_V, Tensor W_O, int heads);

    public static Exercise[] All =>
    [
        new Exercise<HeadContributions>
        {
            Id = "4.3a",
            Title = "What each head adds to the output",
            Points = 2,
            Notebook = "04.3",
            Task = "headOutputs [B, h, n, d_v], W_O [h·d_v, d_model]; the layer writes Y = concat(head 0, …, head h−1) W_O, [B, n, d_model]. "
                + "Return [h, B, n, d_model]: part a is what head a alone writes into Y, so that the h parts add up to Y and part a changes only when head a's output does. "
                + "A W_O whose rows do not match h·d_v is rejected with an ArgumentException.",
            SameAs = [typeof(Heads), typeof(MultiHeadAttention)],
            StoresAnswers = true,
            Cases =
            [
                Parts("B=1, h=2, n=3, d_v=2, d_model=3", 1, 2, 3, 2, 3, seed: 431),
                Parts("B=2, h=3, n=2, d_v=1, d_model=4", 2, 3, 2, 1, 4, seed: 432),
                Parts("one head: its part is all of Y", 1, 1, 2, 3, 2, seed: 433),
                Cases.Throws<ArgumentException>(
                    "W_O with 5 rows for h·d_v = 4 is rejected",
                    () => [Tensor.Random(434, [1, 2, 3, 2]), Tensor.Random(435, [5, 3])],
                    "each head's outputs meet their own rows of W_O: count them."),
            ],
        },

        new Exercise<OvCircuits>
        {
            Id = "4.3b",
            Title = "The matrix a head copies tokens through",
            Points = 2,
            Notebook = "04.3",
            Task = "W_V [d_model, d_model] makes the values, split into heads as 4.1 splits Q (head a owns columns a·d_v .. (a+1)·d_v − 1, d_v = d_model / heads); "
                + "W_O [d_model, d_model] projects the concatenated head outputs. Return [heads, d_model, d_model]: for each head a, the matrix M_a such that when "
                + "head a puts all its weight on one key token y (a row [1, d_model] of the residual stream), what it adds to the layer's output is y M_a. "
                + "heads that do not divide d_model are rejected with an ArgumentException.",
            SameAs = [typeof(Heads), typeof(MultiHeadAttention)],
            StoresAnswers = true,
            Cases =
            [
                Circuits("d_model=4, heads=2", 4, 2, seed: 436),
                Circuits("d_model=6, heads=3", 6, 3, seed: 437),
                Circuits("one head: W_V W_O", 3, 1, seed: 438),
                Cases.Throws<ArgumentException>(
                    "d_model=6, heads=4 is rejected",
                    () => [Tensor.Random(439, [6, 6]), Tensor.Random(440, [6, 6]), 4],
                    "every head owns the same number of value columns."),
            ],
        },
    ];

    private static GradedCase Parts(string name, int B, int h, int n, int dV, int dModel, int seed) =>
        PracticeAnswers.Tensor(
            "4.3a",
            name,
            () => [Tensor.Random(seed, [B, h, n, dV]), Tensor.Random(seed + 1, [h * dV, dModel])],
            "write one row of concat(...) W_O as a sum over its columns, then group the terms by the head each column came from.");

    private static GradedCase Circuits(string name, int dModel, int heads, int seed) =>
        PracticeAnswers.Tensor(
            "4.3b",
            name,
            () => [Tensor.Random(seed, [dModel, dModel]), Tensor.Random(seed + 1, [dModel, dModel]), heads],
            "follow y through head a: its value, the head's output when all weight is on y, then only the part of W_O that head's output meets.",
            tolerance: 1e-5);
}
