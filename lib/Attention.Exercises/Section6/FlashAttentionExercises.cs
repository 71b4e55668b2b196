using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 6.3: the online-softmax update of one tile, and merging partial results exactly.</summary>
internal static class FlashAttentionExercises
{
    /// <summary>Exercise 6.3a: the function the student writes.</summary>
    public delegate double[] TileUpdate(double[] state, float[] scores, Tensor Vtile);

    /// <summary>Exercise 6.3b: the function the student writes.</summary>
    public delegate Tensor MergePartials(Tensor O1, Tensor lse1, Tensor O2, Tensor lse2);

    private const float Hidden = float.NegativeInfinity;

    public static Exercise[] All =>
    [
        new Exercise<TileUpdate>
        {
            Id = "6.3a",
            Title = "One online-softmax tile update",
            Points = 3,
            Notebook = "06.3",
            Task = "state = [m, ℓ, o_0 .. o_{dv−1}] of one query row: the running max m of the scores seen so far, ℓ = Σ e^(s − m) and the unnormalised output "
                + "o = Σ e^(s − m) v, both over the keys seen so far (an empty row is [−∞, 0, 0, …]). scores: the row's next Bc scores (−∞ = a hidden key); Vtile [Bc, dv]: "
                + "their values. Return the state after the tile: the same three quantities over every key seen, this tile's included, without the earlier keys "
                + "(the state is all that is left of them). A tile that shows nothing changes nothing.",
            StoresAnswers = true,
            SameAs = [.. KvCacheExercises.Attends],
            Cases =
            [
                Tile("the first tile of a row: m = −∞, ℓ = 0", [Hidden, 0, 0, 0, 0], [0.3f, -1.2f, 2.0f, 0.7f], seed: 631),
                Tile("a new maximum: the old ℓ and o are rescaled", [0.5, 2.3, 0.4, -1.1, 0.9], [3.0f, 1.0f, -0.5f], seed: 632),
                Tile("a tile below the running maximum", [5.0, 1.7, 0.2, 0.6, -0.3], [0.1f, -0.4f, 1.3f, 0.8f, -2f], seed: 633),
                Tile("a partly hidden tile", [1.0, 1.4, -0.5, 0.5, 0.25], [Hidden, 2.5f, Hidden, 0.5f], seed: 634),
                Tile("a fully hidden tile on an empty row: no NaN, nothing changes", [Hidden, 0, 0, 0, 0], [Hidden, Hidden, Hidden], seed: 635),
                Tile("a fully hidden tile on a started row: nothing changes", [0.8, 2.1, 0.3, -0.7, 1.1], [Hidden, Hidden], seed: 636),
                Tile("scores near 1000: exponentiate only differences", [1000, 1.2, 0.5, 0.5, -0.5], [1003f, 998f, 1001f], seed: 637),
                LastTile("the last tile of a row: o' / ℓ' is the attention output of the whole row", seed: 638),
            ],
        },

        new Exercise<MergePartials>
        {
            Id = "6.3b",
            Title = "Merge two partial attentions",
            Points = 3,
            Notebook = "06.3",
            Task = "The same L queries attended to two disjoint sets of keys: O1, O2 [L, dv] are the (normalised) outputs over each set and lse1, lse2 [L] their log-sum-exps, log Σ_j e^(s_ij) (−∞ when row i saw no key in that set, and then its O row is 0). Return the output over all the keys, [L, dv], without the keys: it is exact.",
            SameAs = [.. KvCacheExercises.Attends],
            Cases =
            [
                Merge("an even split, 4 + 4 keys", L: 3, S: 8, split: 4, causal: false, sigma: 1, seed: 641),
                Merge("an uneven split, 1 + 9 keys", L: 4, S: 10, split: 1, causal: false, sigma: 1, seed: 642),
                Merge("causal prefill split at key 3: the first rows saw nothing in part 2 (lse2 = −∞)", L: 6, S: 6, split: 3, causal: true, sigma: 1, seed: 643),
                Merge("large scores: e^lse overflows, work with lse differences", L: 3, S: 6, split: 2, causal: false, sigma: 30, seed: 644),
                Merge("one query, one key per part", L: 1, S: 2, split: 1, causal: false, sigma: 1, seed: 645),
            ],
        },
    ];

    private static GradedCase Tile(string name, double[] state, float[] scores, int seed) =>
        PracticeAnswers.Values<double>(
            "6.3a",
            name,
            () => [(double[])state.Clone(), (float[])scores.Clone(), Tensor.Random(seed, [scores.Length, state.Length - 2])],
            "the state's sums are relative to its max; when the max moves, everything summed so far must be re-expressed relative to the new one. "
            + "Beware e^(−∞ − (−∞)): it is NaN, not 0 or 1.",
            tolerance: 1e-5);

    // Keys 0 .. 6 of a 9-key row are folded into the state by its definition; the submission adds keys 7 and 8 and must land
    // on the attention output softmax(s) · V of the whole row.
    private static GradedCase LastTile(string name, int seed)
    {
        float[] all = Tensor.Random(seed, [9], sigma: 2).Data;
        double[] Before()
        {
            Tensor V = Tensor.Random(seed + 1, [9, 3]);
            double m = all[..7].Max();
            double[] state = [m, 0, 0, 0, 0];
            for (int j = 0; j < 7; j++)
            {
                double p = Math.Exp(all[j] - m);
                state[1] += p;
                for (int e = 0; e < 3; e++)
                {
                    state[2 + e] += p * V[j, e];
                }
            }

            return state;
        }

        return Cases.Single(
            name,
            () => [Before(), all[7..], Rows(Tensor.Random(seed + 1, [9, 3]), 7, 2)],
            "after the last tile, o' / ℓ' is the whole row's attention output, and m' is the row's max.",
            (output, _) =>
            {
                if (output is not double[] got || got.Length != 5)
                {
                    return $"expected a state of 5 numbers [m, ℓ, o_0, o_1, o_2], got {Cases.Describe(output)}";
                }

                if (got[0] != all.Max())
                {
                    return $"m' = {got[0]:G6}, but the row's largest score is {all.Max():G6}";
                }

                Tensor weights = Softmax.LastAxis(new Tensor(all, 1, 9));
                Tensor V = Tensor.Random(seed + 1, [9, 3]);
                for (int e = 0; e < 3; e++)
                {
                    double expected = Enumerable.Range(0, 9).Sum(j => (double)weights[0, j] * V[j, e]);
                    double actual = got[2 + e] / got[1];
                    if (!(Math.Abs(actual - expected) <= 1e-4 * (1 + Math.Abs(expected))))
                    {
                        return $"o'[{e}] / ℓ' = {actual:G6}, but the attention output is {expected:G6}";
                    }
                }

                double sum = all.Sum(s => Math.Exp(s - all.Max()));
                return Math.Abs(got[1] - sum) <= 1e-5 * sum ? null : $"ℓ' = {got[1]:G6}, but Σ e^(s − m') over the row is {sum:G6}";
            });
    }

    private static Tensor Rows(Tensor X, int from, int count) =>
        new(X.Data.AsSpan(from * X.Dim(1), count * X.Dim(1)).ToArray(), count, X.Dim(1));

    private static GradedCase Merge(string name, int L, int S, int split, bool causal, double sigma, int seed)
    {
        Tensor Q() => Tensor.Random(seed, [1, 1, L, 4], sigma);
        Tensor K() => Tensor.Random(seed + 1, [1, 1, S, 4], sigma);
        Tensor V() => Tensor.Random(seed + 2, [1, 1, S, 3]);

        // Each part by the tiled kernel, which returns the log-sum-exp; causal over the whole row means j ≤ i, so part 2
        // (keys split..S−1) sees local key j' when j' ≤ i − split: the bottom-right offset S₂ − L = −split when L = S.
        (Tensor O, Tensor lse) Part(int from, int count, CausalAlignment? alignment)
        {
            var result = FlashAttention.Forward(Q(), Keys(K(), from, count), Keys(V(), from, count), blockQ: 2, blockK: 3, causal: alignment);
            return (result.Output.Reshape(L, 3), result.LogSumExp.Reshape(L));
        }

        return Cases.Tensor(
            name,
            () => ScaledDotProductAttention.Forward(Q(), K(), V(), causal: causal ? CausalAlignment.TopLeft : null).Reshape(L, 3),
            () =>
            {
                var (O1, lse1) = Part(0, split, causal ? CausalAlignment.TopLeft : null);
                var (O2, lse2) = Part(split, S - split, causal ? CausalAlignment.BottomRight : null);
                return [O1, lse1, O2, lse2];
            },
            "lse = max(lse1, lse2) + log(e^(lse1 − max) + e^(lse2 − max)); O = e^(lse1 − lse) O1 + e^(lse2 − lse) O2. A part with lse = −∞ gets weight 0.");
    }

    private static Tensor Keys(Tensor X, int from, int count)
    {
        int width = X.Dim(3);
        return new Tensor(X.Data.AsSpan(from * width, count * width).ToArray(), 1, 1, count, width);
    }
}
