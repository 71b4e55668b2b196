using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.3: concatenating head outputs and the output projection W_O.</summary>
internal static class MergeHeadsExercises
{
    /// <summary>Exercise 4.3a: the function the student writes.</summary>
    public delegate Tensor MergeHeads(Tensor headOutputs);

    /// <summary>Exercise 4.3b: the function the student writes.</summary>
    public delegate Tensor OutputProjection(Tensor headOutputs, Tensor W_O);

    public static Exercise[] All =>
    [
        new Exercise<MergeHeads>
        {
            Id = "4.3a",
            Title = "Merge head outputs",
            Points = 2,
            Notebook = "04.3",
            Task = "headOutputs [B, h, n, d_v] → [B, n, h·d_v]: token i's row is head 0's output, then head 1's, …",
            SameAs = [typeof(Heads), typeof(MultiHeadAttention)],
            Cases =
            [
                Merge("B=2, h=3, N=4, d_v=5", [2, 3, 4, 5], seed: 431),
                Merge("B=1, h=1, N=3, d_v=2 (one head)", [1, 1, 3, 2], seed: 432),
                Merge("B=1, h=4, N=2, d_v=1", [1, 4, 2, 1], seed: 433),
                Cases.Tensor(
                "merge undoes split: Merge(Split(X, 3)) = X",
                () => Tensor.Random(434, [2, 3, 9]),
                () => [Heads.Split(Tensor.Random(434, [2, 3, 9]), 3)],
                "merging is the inverse of splitting: head h fills columns h·d_v .. (h+1)·d_v − 1.",
                tolerance: 0),
            ],
        },

        new Exercise<OutputProjection>
        {
            Id = "4.3b",
            Title = "Output projection",
            Points = 2,
            Notebook = "04.3",
            Task = "headOutputs [B, h, n, d_v], W_O [h·d_v, d_model] → Merge(headOutputs) W_O, shape [B, n, d_model].",
            SameAs = [typeof(Heads), typeof(MultiHeadAttention)],
            Cases =
            [
                Project("B=2, h=3, N=4, d_v=5, W_O 15×15", [2, 3, 4, 5], 15, seed: 435),
                Project("B=1, h=2, N=3, d_v=4, W_O 8×6", [1, 2, 3, 4], 6, seed: 436),
            ],
        },
    ];

    private static GradedCase Merge(string name, int[] shape, int seed) =>
        Cases.Tensor(
            name,
            () => Heads.Merge(Tensor.Random(seed, shape)),
            () => [Tensor.Random(seed, shape)],
            $"the result is [B, n, h·d_v] = [{shape[0]}, {shape[2]}, {shape[1] * shape[3]}]; heads are concatenated along the last axis, head 0 first.",
            tolerance: 0);

    private static GradedCase Project(string name, int[] shape, int dModel, int seed) =>
        Cases.Tensor(
            name,
            () => Linear.Forward(Heads.Merge(Tensor.Random(seed, shape)), Tensor.Random(seed + 1, [shape[1] * shape[3], dModel])),
            () => [Tensor.Random(seed, shape), Tensor.Random(seed + 1, [shape[1] * shape[3], dModel])],
            "merge the heads to [B, n, h·d_v] first, then multiply by W_O [h·d_v, d_model].");
}
