using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.4: what heads do — a previous-token score read off weights, and ablation to measure effect.</summary>
internal static class HeadSpecializationExercises
{
    /// <summary>Exercise 4.4a: the function the student writes.</summary>
    public delegate double PreviousTokenScore(Tensor weights);

    /// <summary>Exercise 4.4b: the function the student writes.</summary>
    public delegate Tensor ZeroAblate(Tensor headOutputs, int head);

    public static Exercise[] All =>
    [
        new Exercise<PreviousTokenScore>
        {
            Id = "4.4a",
            Title = "Previous-token score",
            Points = 2,
            Notebook = "04.4",
            Task = "weights [..., L, S] → mean over rows whose position p = i + S − L ≥ 1 of weights[..., i, p − 1].",
            SameAs = [typeof(Diagnostics)],
            Cases =
            [
                Score("a perfect previous-token head, 6 × 6", () => PreviousTokenHead(6)),
                Score("uniform causal weights, 5 × 5", () => CausalWeights(new Tensor(1, 1, 5, 5))),
                Score("random causal weights [2, 3, 6, 6] (mean over batch and heads)", () => CausalWeights(Tensor.Random(441, [2, 3, 6, 6], 2))),
                Score("decode rows: 3 queries against 7 keys (query i is at position i + 4)", () => Softmax.LastAxis(Tensor.Random(442, [3, 7], 2))),
            ],
        },

        new Exercise<ZeroAblate>
        {
            Id = "4.4b",
            Title = "Zero-ablate one head",
            Points = 2,
            Notebook = "04.4",
            Task = "headOutputs [B, h, n, d_v] → a copy with every output of head `head` set to 0, the other heads untouched.",
            SameAs = [typeof(Diagnostics), LibraryMember.Of(typeof(Tensor), nameof(Tensor.Head)), LibraryMember.Of(typeof(Tensor), nameof(Tensor.HeadSpan))],
            Cases =
            [
                Ablate("B=2, h=4, N=3, d_v=5, head 1", [2, 4, 3, 5], 1, seed: 443),
                Ablate("B=1, h=3, N=4, d_v=2, head 0", [1, 3, 4, 2], 0, seed: 444),
                Ablate("B=1, h=3, N=4, d_v=2, last head", [1, 3, 4, 2], 2, seed: 445),
                Cases.Single(
                "the input tensor is left unchanged",
                () => [Tensor.Random(446, [1, 2, 3, 4]), 1],
                "clone headOutputs and zero the copy: the caller still needs the un-ablated outputs to compare with.",
                (_, args) => Cases.CompareTensors((Tensor)args.Fresh[0]!, args.After[0] as Tensor, 0) is { } diff ? $"the input changed: {diff}" : null),
            ],
        },
    ];

    private static GradedCase Score(string name, Func<Tensor> weights) =>
        Cases.Value<double>(
            name,
            () => Diagnostics.PreviousTokenScore(weights()),
            () => [weights()],
            "average, over every query row that has a previous token, the weight on that previous token; query i sits at position i + S − L.");

    private static GradedCase Ablate(string name, int[] shape, int head, int seed) =>
        Cases.Tensor(
            name,
            () => Diagnostics.Ablate(Tensor.Random(seed, shape), head, AblationMode.Zero),
            () => [Tensor.Random(seed, shape), head],
            $"zero axis-1 slice {head} for every batch and position; keep the other heads and the shape [B, h, n, d_v].",
            tolerance: 0);

    private static Tensor PreviousTokenHead(int n)
    {
        var w = new Tensor(n, n);
        w[0, 0] = 1;
        for (int i = 1; i < n; i++)
        {
            w[i, i - 1] = 1;
        }

        return w;
    }

    private static Tensor CausalWeights(Tensor logits)
    {
        int L = logits.Dim(-2), S = logits.Dim(-1);
        for (int r = 0; r < logits.Length / S; r++)
        {
            int i = r % L;
            logits.Data.AsSpan((r * S) + i + 1, S - i - 1).Fill(float.NegativeInfinity);
        }

        return Softmax.LastAxis(logits);
    }
}
