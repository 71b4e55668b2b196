using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.2: attention inside one head, then all heads at once.</summary>
internal static class PerHeadAttentionExercises
{
    /// <summary>Exercise 4.2a: the function the student writes.</summary>
    public delegate Tensor HeadWeights(Tensor Q, Tensor K);

    /// <summary>Exercise 4.2b: the function the student writes.</summary>
    public delegate Tensor AllHeadOutputs(Tensor Q, Tensor K, Tensor V);

    public static Exercise[] All =>
    [
        new Exercise<HeadWeights>
        {
            Id = "4.2a",
            Title = "Attention weights of one head",
            Points = 2,
            Notebook = "04.2",
            Task = "Q [n, d_k], K [S, d_k] → weights = softmax(Q Kᵀ / √d_k) over keys, shape [n, S].",
            SameAs = AttentionKernels,
            Cases =
            [
                Weights("N=4, S=4, d_k=8", N: 4, S: 4, dK: 8, seed: 421, sigma: 1),
                Weights("N=3, S=6, d_k=16 (more keys than queries)", N: 3, S: 6, dK: 16, seed: 422, sigma: 1),
                Weights("N=2, S=5, d_k=4, large logits", N: 2, S: 5, dK: 4, seed: 423, sigma: 12),
                Cases.Property(
                "every row sums to one (N=5, S=7, d_k=8)",
                () => [Tensor.Random(424, [5, 8]), Tensor.Random(425, [7, 8])],
                [5, 7],
                Cases.RowsSumToOne,
                "normalise each query's row over the keys (axis S), not over the queries."),
            ],
        },

        new Exercise<AllHeadOutputs>
        {
            Id = "4.2b",
            Title = "Outputs of all heads at once",
            Points = 3,
            Notebook = "04.2",
            Task = "Q [B, h, n, d_k], K [B, h, S, d_k], V [B, h, S, d_v] → softmax(Q Kᵀ / √d_k) V per batch and head, shape [B, h, n, d_v].",
            SameAs = AttentionKernels,
            Cases =
            [
                Outputs("B=2, h=3, N=4, S=4, d_k=d_v=5", B: 2, h: 3, N: 4, S: 4, dK: 5, dV: 5, seed: 426),
                Outputs("B=1, h=2, N=3, S=6, d_k=4, d_v=7", B: 1, h: 2, N: 3, S: 6, dK: 4, dV: 7, seed: 427),
                Cases.Property(
                "constant values in, the same constant out (weights sum to one)",
                () => [Tensor.Random(428, [2, 2, 3, 4]), Tensor.Random(429, [2, 2, 5, 4]), Constant(2.5f, 2, 2, 5, 3)],
                [2, 2, 3, 3],
                O => Array.FindIndex(O.Data, v => !(Math.Abs(v - 2.5f) <= 1e-4f)) is int k and >= 0
                    ? $"output {Cases.IndexText(O, k)} is {O.Data[k]}, but every value row is 2.5 and weights sum to one"
                    : null,
                "each output row is a weighted average of value rows: normalise the weights over the keys."),
            ],
        },
    ];

    // Every course member that computes attention weights or outputs: 4.2a and 4.2b ask for exactly that.
    private static readonly LibraryMember[] AttentionKernels =
    [
        typeof(ScaledDotProductAttention), typeof(Softmax), typeof(OnlineSoftmax), typeof(FlashAttention),
        typeof(MultiHeadAttention), typeof(GroupedQueryAttention), typeof(CrossAttention), typeof(CachedAttention),
        typeof(SparseAttention),
    ];

    private static GradedCase Weights(string name, int N, int S, int dK, int seed, double sigma) =>
        Cases.Tensor(
            name,
            () => ScaledDotProductAttention.ForwardWithWeights(
                Tensor.Random(seed, [1, 1, N, dK], sigma), Tensor.Random(seed + 100, [1, 1, S, dK], sigma), new Tensor(1, 1, S, 1))
                .Weights!.Reshape(N, S),
            () => [Tensor.Random(seed, [N, dK], sigma), Tensor.Random(seed + 100, [S, dK], sigma)],
            $"scores = Q Kᵀ / √d_k (here √{dK}), shape [n, S]; subtract each row's max before exp so large logits cannot overflow.");

    private static GradedCase Outputs(
        string name, int B, int h, int N, int S, int dK, int dV, int seed) =>
        Cases.Tensor(
            name,
            () =>
            {
                var (Q, K, V) = Inputs(seed, B, h, N, S, dK, dV);
                return ScaledDotProductAttention.Forward(Q, K, V);
            },
            () =>
            {
                var (Q, K, V) = Inputs(seed, B, h, N, S, dK, dV);
                return [Q, K, V];
            },
            "for every (b, head): weights = softmax(Q Kᵀ / √d_k) over keys, then O = weights V; the output has d_v columns.");

    private static (Tensor Q, Tensor K, Tensor V) Inputs(int seed, int B, int h, int N, int S, int dK, int dV) =>
        (Tensor.Random(seed, [B, h, N, dK]), Tensor.Random(seed + 1, [B, h, S, dK]), Tensor.Random(seed + 2, [B, h, S, dV]));

    private static Tensor Constant(float value, params int[] shape)
    {
        var t = new Tensor(shape);
        Array.Fill(t.Data, value);
        return t;
    }
}
