using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 5.4: rotary position embedding and the relative-position property it exists for; ALiBi inside a sliding window.</summary>
internal static class PositionalEncodingExercises
{
    /// <summary>Exercise 5.4a: the function the student writes.</summary>
    public delegate Tensor Rotate(Tensor x, int[] positions);

    /// <summary>Exercise 5.4b: the function the student writes.</summary>
    public delegate Tensor AlibiWindowBias(int heads, int queries, int keys, int window);

    public static Exercise[] All =>
    [
        new Exercise<Rotate>
        {
            Id = "5.4a",
            Title = "Rotate queries and keys (RoPE)",
            Points = 3,
            Notebook = "05.4",
            Task = "x [n, d], d even; row r sits at positions[r] = m. Rotate each pair (2i, 2i+1) by the angle m·θ_i, θ_i = 10000^(−2i/d): (a, b) → (a cos − b sin, a sin + b cos). Return a new [n, d].",
            SameAs = [typeof(Rope)],
            Cases =
            [
                Rotated("4 tokens at positions 0..3, d = 8", 4, 8, [0, 1, 2, 3], seed: 541),
                Rotated("left-padded positions 0, 0, 1, 2, 3, d = 6", 5, 6, [0, 0, 1, 2, 3], seed: 542),
                Rotated("far positions 1000..1002, d = 16", 3, 16, [1000, 1001, 1002], seed: 543),
                Relative("q at 7 and k at 3 score like q at 107 and k at 103 (only m − n matters)", 8, seed: 544),
            ],
        },

        new Exercise<AlibiWindowBias>
        {
            Id = "5.4b",
            Title = "ALiBi inside a sliding window",
            Points = 2,
            Notebook = "05.4",
            Task = "A model uses ALiBi (each head a penalises distance with the slope m_a of the ALiBi paper, for any number of heads, as 5.4 shows) and a causal sliding window "
                + "of `window` keys, the query's own included. The L = queries rows are the last L of the S = keys positions (query i sits at position i + S − L). "
                + "Return [heads, L, S]: what is added to head a's score of query i against key j before the softmax — −∞ for a key the query may not see.",
            SameAs = [typeof(Alibi), typeof(Mask), typeof(ScaledDotProductAttention)],
            StoresAnswers = true,
            Cases =
            [
                Bias("8 heads (a power of two), 4 × 4, window 2", 8, 4, 4, 2),
                Bias("12 heads, a chunk of 2 queries after 3 keys, window 3", 12, 2, 5, 3),
                Bias("5 heads, one decode query against 6 keys, window 4", 5, 1, 6, 4),
                Bias("1 head, window 1: only itself", 1, 3, 3, 1),
                Cases.Throws<ArgumentException>(
                    "window 0 is rejected",
                    () => [4, 2, 2, 0],
                    "a query always sees itself."),
            ],
        },
    ];

    private static GradedCase Bias(string name, int heads, int L, int S, int window) =>
        PracticeAnswers.Tensor(
            "5.4b",
            name,
            () => [heads, L, S, window],
            "three things decide an entry: whether the key is in the future, whether it is inside the window of this query's position (not its row index), and how far it is. The slopes for a head count that is not a power of two interleave two power-of-two sets.",
            tolerance: 1e-6);

    private static GradedCase Rotated(string name, int n, int d, int[] positions, int seed) =>
        Cases.Tensor(
            name,
            () => Rope.Apply(Tensor.Random(seed, [1, 1, n, d]), positions, RopeLayout.Interleaved).Reshape(n, d),
            () => [Tensor.Random(seed, [n, d]), positions.Clone()],
            "pair i is dimensions 2i and 2i + 1 (interleaved, as in the RoPE paper and Meta's Llama); its angle is position × 10000^(−2i/d), in radians.");

    // Four calls: q and k rotated at (7, 3) and at (107, 103); their dot products must agree, and differ from the unrotated one.
    private static GradedCase Relative(string name, int d, int seed)
    {
        string hint = "rotate q by its own position and k by its own: the score ⟨R_m q, R_n k⟩ then depends on m − n only.";
        Tensor Q() => Tensor.Random(seed, [1, d]);
        Tensor K() => Tensor.Random(seed + 1, [1, d]);
        return new(name, hint, () => [[Q(), new[] { 7 }], [K(), new[] { 3 }], [Q(), new[] { 107 }], [K(), new[] { 103 }]], (_, outcomes) =>
        {
            foreach (CallOutcome o in outcomes)
            {
                if (Cases.Unexpected(o, hint) is { } threw)
                {
                    return threw;
                }

                if (o.Output is not Tensor t || !t.Shape.AsSpan().SequenceEqual([1, d]))
                {
                    return $"expected a tensor of shape [1, {d}], got {Cases.Describe(o.Output)}";
                }
            }

            double Dot(object? a, object? b) => ((Tensor)a!).Data.Zip(((Tensor)b!).Data, (x, y) => (double)x * y).Sum();
            double near = Dot(outcomes[0].Output, outcomes[1].Output), far = Dot(outcomes[2].Output, outcomes[3].Output);
            double plain = Dot(Q(), K());
            return Math.Abs(near - far) > 1e-3 * (1 + Math.Abs(near)) ? $"⟨q₇, k₃⟩ = {near:G6} but ⟨q₁₀₇, k₁₀₃⟩ = {far:G6}. Hint: {hint}"
                : Math.Abs(near - plain) < 1e-6 ? $"the rotated score equals the unrotated one ({plain:G6}): nothing was rotated. Hint: {hint}"
                : null;
        });
    }
}
