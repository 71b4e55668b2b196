using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 6.5: entropy of every attention row, and what mean-ablating each head changes.</summary>
internal static class LongContextDiagnosticsExercises
{
    /// <summary>Exercise 6.5a: the function the student writes.</summary>
    public delegate Tensor RowEntropy(Tensor weights);

    /// <summary>Exercise 6.5b: the function the student writes.</summary>
    public delegate double[] AblationEffects(Tensor headOutputs, Tensor W_O);

    public static Exercise[] All =>
    [
        new Exercise<RowEntropy>
        {
            Id = "6.5a",
            Title = "Entropy per head and position",
            Points = 2,
            Notebook = "06.5",
            Task = "weights [B, H, L, S], each row a softmax over its visible keys (hidden keys have weight 0). Return the entropy of every row in nats, H_i = −Σ_j w_ij ln w_ij, as [B, H, L]: a key with weight 0 adds 0, and a row with no visible key (all zeros) has entropy 0.",
            SameAs = [typeof(Diagnostics)],
            Cases =
            [
                Entropy("causal weights of random scores", () => Causal(Tensor.Random(651, [2, 3, 5, 5], sigma: 2))),
                Entropy("one-hot rows have entropy 0", () => OneHot(1, 2, 4, 6)),
                Entropy("uniform over the i + 1 visible keys: ln(i + 1)", () => Causal(new Tensor(1, 1, 7, 7))),
                Entropy("rows with no visible key (a fully masked row) are 0", () => WithEmptyRows(Causal(Tensor.Random(653, [1, 2, 4, 4])))),
                Entropy("very sharp rows: weights like 1e-30 must not give NaN", () => Causal(Tensor.Random(654, [1, 1, 6, 6], sigma: 40))),
            ],
        },

        new Exercise<AblationEffects>
        {
            Id = "6.5b",
            Title = "What mean-ablating each head changes",
            Points = 3,
            Notebook = "06.5",
            Task = "headOutputs [B, H, N, dv], W_O [H·dv, d_model]; the layer's output is Y = concat_a(head_a) W_O, [B, N, d_model]. For each head a, replace head a's output at every batch row and position by its mean over batch and positions, recompute Y_a, and return ‖Y − Y_a‖₂ / ‖Y‖₂ per head, [H]. Do not change headOutputs.",
            SameAs = [typeof(Diagnostics), typeof(MultiHeadAttention)],
            StoresAnswers = true,
            Cases =
            [
                Effects("random heads: B = 1, H = 3, N = 5", () => Tensor.Random(655, [1, 3, 5, 4]), () => Tensor.Random(656, [12, 6])),
                Effects("a head whose output never varies: mean ablation changes nothing", () => ConstantHead(Tensor.Random(657, [2, 4, 3, 2]), head: 2), () => Tensor.Random(658, [8, 5])),
                Effects("a head that W_O ignores has effect 0", () => Tensor.Random(659, [1, 2, 6, 3]), () => IgnoreHead(Tensor.Random(660, [6, 4]), head: 0, dv: 3)),
                Effects("the mean is over batch and positions together: B = 3", () => Tensor.Random(661, [3, 2, 4, 2]), () => Tensor.Random(662, [4, 4])),
            ],
        },
    ];

    private static GradedCase Entropy(string name, Func<Tensor> weights) =>
        Cases.Tensor(
            name,
            () => Diagnostics.Entropy(weights()),
            () => [weights()],
            "skip w = 0 (lim w ln w = 0); log is the natural logarithm; the result drops the key axis: [B, H, L].",
            tolerance: 1e-5);

    private static GradedCase Effects(string name, Func<Tensor> headOutputs, Func<Tensor> W_O) =>
        Cases.Single(
            name,
            () => [headOutputs(), W_O()],
            "the mean is one vector per head, over every batch row and position together; it replaces that head's output everywhere, and Y is recomputed with the other heads as they were.",
            (output, call) =>
            {
                Tensor heads = headOutputs();
                if (call.After[0] is Tensor after && Cases.CompareTensors(heads, after, 0) is not null)
                {
                    return "headOutputs was changed by the call: ablate a copy";
                }

                return output is double[] got ? Cases.CompareArrays(PracticeAnswers.Get<double[]>("6.5b", name), got, 1e-4)
                    : $"returned {Cases.Describe(output)}; expected a double[] of {heads.Dim(1)} effects";
            });

    private static Tensor Causal(Tensor scores) => Softmax.LastAxis(Add(scores, Mask.Causal(scores.Dim(2), scores.Dim(3))));

    private static Tensor Add(Tensor scores, Mask mask)
    {
        Tensor masked = scores.Clone();
        int L = scores.Dim(2), S = scores.Dim(3);
        for (int r = 0; r < masked.Length; r++)
        {
            if (!mask[r / S % L, r % S])
            {
                masked.Data[r] = float.NegativeInfinity;
            }
        }

        return masked;
    }

    private static Tensor OneHot(int B, int H, int L, int S)
    {
        var w = new Tensor(B, H, L, S);
        for (int r = 0; r < B * H * L; r++)
        {
            w.Data[(r * S) + ((r * 7) % S)] = 1;
        }

        return w;
    }

    private static Tensor WithEmptyRows(Tensor weights)
    {
        weights.Row(0, 0, 0).Clear();
        weights.Row(0, 1, 2).Clear();
        return weights;
    }

    private static Tensor ConstantHead(Tensor heads, int head)
    {
        for (int b = 0; b < heads.Dim(0); b++)
        {
            for (int n = 0; n < heads.Dim(2); n++)
            {
                heads.Row(0, head, 0).CopyTo(heads.Row(b, head, n));
            }
        }

        return heads;
    }

    private static Tensor IgnoreHead(Tensor W_O, int head, int dv)
    {
        for (int r = head * dv; r < (head + 1) * dv; r++)
        {
            W_O.Row(r).Clear();
        }

        return W_O;
    }
}
