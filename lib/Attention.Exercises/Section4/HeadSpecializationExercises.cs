using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.4: what heads do — a previous-token score, and the relative offset a head reads.</summary>
internal static class HeadSpecializationExercises
{
    /// <summary>Exercise 4.4a: the function the student writes.</summary>
    public delegate double PreviousTokenScore(Tensor weights);

    /// <summary>Exercise 4.4b: the function the student writes.</summary>
    public delegate int[] DominantOffsets(Tensor weights);

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

        new Exercise<DominantOffsets>
        {
            Id = "4.4b",
            Title = "Which offset does each head read?",
            Points = 2,
            Notebook = "04.4",
            Task = "weights [H, L, S]: each head's attention weights of the LAST L of S positions (query i sits at position p = i + S − L) over the S keys. "
                + "A previous-token head reads offset 1 (key p − 1); a head reading its own token reads offset 0. For each head, return the offset δ = 0 .. S − 1 "
                + "whose keys p − δ hold the most weight on average over the queries that have such a key; on a tie, the smallest δ. [H] ints.",
            SameAs = [typeof(Diagnostics)],
            StoresAnswers = true,
            Cases =
            [
                Offsets("a previous-token head and a self head, 5 × 5", () => Stack(PreviousTokenHead(5), Identity(5))),
                Offsets("uniform causal weights, 6 × 6", () => CausalWeights(new Tensor(1, 6, 6))),
                Offsets("decode rows: 3 queries against 8 keys, a head reading offset 2", () => Shifted(3, 8, 2)),
                Offsets("random causal heads [3, 6, 6]", () => CausalWeights(Tensor.Random(441, [3, 6, 6], 3))),
            ],
        },
    ];

    private static GradedCase Score(string name, Func<Tensor> weights) =>
        Cases.Value<double>(
            name,
            () => Diagnostics.PreviousTokenScore(weights()),
            () => [weights()],
            "average, over every query row that has a previous token, the weight on that previous token; query i sits at position i + S − L.");

    private static GradedCase Offsets(string name, Func<Tensor> weights) =>
        PracticeAnswers.Values<int>(
            "4.4b",
            name,
            () => [weights()],
            "an offset is a diagonal of the [L, S] matrix, and with L < S the diagonals are not where the square matrix has them. Average only over queries that have the key.");

    private static Tensor Stack(Tensor a, Tensor b) => new([.. a.Data, .. b.Data], 2, a.Dim(0), a.Dim(1));

    private static Tensor Identity(int n)
    {
        var w = new Tensor(n, n);
        for (int i = 0; i < n; i++)
        {
            w[i, i] = 1;
        }

        return w;
    }

    // L decode rows over S keys, each with most weight on key p − offset and the rest spread over the visible keys.
    private static Tensor Shifted(int L, int S, int offset)
    {
        var w = new Tensor(1, L, S);
        for (int i = 0; i < L; i++)
        {
            int p = i + S - L;
            for (int j = 0; j <= p; j++)
            {
                w[0, i, j] = 0.3f / (p + 1);
            }

            w[0, i, p - offset] += 0.7f;
        }

        return w;
    }

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
