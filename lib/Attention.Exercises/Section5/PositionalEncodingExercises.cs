using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 5.4: rotary position embedding, and the relative-position property it exists for.</summary>
internal static class PositionalEncodingExercises
{
    /// <summary>Exercise 5.4a: the function the student writes.</summary>
    public delegate Tensor Rotate(Tensor x, int[] positions);

    /// <summary>Exercise 5.4b: the function the student writes.</summary>
    public delegate double[] AlibiSlopes(int heads);

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

        new Exercise<AlibiSlopes>
        {
            Id = "5.4b",
            Title = "ALiBi slopes for any number of heads",
            Points = 2,
            Notebook = "05.4",
            Task = "the slope m_a of each head a = 0..heads − 1: for a power of two n, m_a = 2^(−8(a+1)/n); otherwise the slopes of the largest power of two p < heads, then every other slope of 2p, the first heads − p of them.",
            SameAs = [typeof(Alibi)],
            Cases =
            [
                Slopes("8 heads (a power of two)", 8),
                Slopes("12 heads", 12),
                Slopes("an odd count: 5 heads", 5),
                Slopes("one head", 1),
            ],
        },
    ];

    private static GradedCase Slopes(string name, int heads) =>
        Cases.Single(name, () => [heads], "for n not a power of two: take p = the largest power of two below n, its p slopes, then slopes 0, 2, 4, … of the 2p-head set, until there are n.", (output, _) =>
        {
            double[] expected = Alibi.Slopes(heads);
            if (output is not double[] got || got.Length != heads)
            {
                return $"expected {heads} slopes (a double[]), got {(output is double[] d ? $"{d.Length}" : Cases.Describe(output))}";
            }

            int bad = Enumerable.Range(0, heads).FirstOrDefault(a => Math.Abs(got[a] - expected[a]) > 1e-9 * (1 + Math.Abs(expected[a])), -1);
            return bad < 0 ? null : $"head {bad}: expected slope {expected[bad]:G6} (2^{Math.Log2(expected[bad]):G4}), got {got[bad]:G6}";
        });

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
