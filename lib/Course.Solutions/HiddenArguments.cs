using Attention;

namespace Course.Solutions;

/// <summary>
/// The arguments of the hidden graded cases: drawn fresh for each grading run from a seed the student never sees, with
/// the edge cases of each exercise among them. Instructor-side only, like the reference answers that judge them: the
/// student release does not contain this assembly, so no table of answers can be made in advance.
/// </summary>
public static class HiddenArguments
{
    /// <summary>How many configurations each hidden case draws (besides its fixed edge cases).</summary>
    public const int Draws = 8;

    /// <summary>The exercises that have hidden cases.</summary>
    public static IReadOnlyCollection<string> Exercises => Generators.Keys;

    /// <summary>The argument lists of <paramref name="exerciseId"/>'s hidden case for <paramref name="seed"/>, or null if it has none.</summary>
    public static IReadOnlyList<object?[]>? For(string exerciseId, int seed)
    {
        if (!Generators.TryGetValue(exerciseId, out var generate))
        {
            return null;
        }

        // One stream per exercise: the same seed regenerates the same (fresh) arguments.
        // Not HashCode.Combine: it is seeded per process, and a recorded seed must redraw the same arguments in any process.
        var random = new Random(unchecked((seed * 1_000_003) + StableHash(exerciseId)));
        return generate(random);
    }

    private static int StableHash(string s) => s.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    private static Tensor T(Random r, double sigma, params int[] shape) =>
        shape.Contains(0) ? new Tensor(shape) : Tensor.Random(r.Next(), shape, sigma);

    private static object?[][] Repeat(Random r, Func<Random, object?[]> draw, params object?[][] edges) =>
        [.. edges, .. Enumerable.Range(0, Draws).Select(_ => draw(r))];

    // Softmax rows over a random number of visible keys (hideSome) or all keys; hidden keys weigh 0, a row may see none.
    private static Tensor Rows(Random r, int[] shape, double sigma, bool hideSome = false)
    {
        Tensor weights = T(r, sigma, shape);
        int S = shape[^1];
        for (int row = 0; row < weights.Length / S; row++)
        {
            Span<float> w = weights.Data.AsSpan(row * S, S);
            int visible = hideSome ? r.Next(0, S + 1) : S;
            double max = visible == 0 ? 0 : w[..visible].ToArray().Max(), sum = 0;
            for (int j = 0; j < S; j++)
            {
                w[j] = j < visible ? (float)Math.Exp(w[j] - max) : 0;
                sum += w[j];
            }

            for (int j = 0; j < visible; j++)
            {
                w[j] = (float)(w[j] / sum);
            }
        }

        return weights;
    }

    // [H, L, S] causal softmax rows of the last L of S positions (query i sees keys 0 .. i + S − L).
    private static Tensor CausalRows(Random r, int H, int L, int S, double sigma)
    {
        Tensor w = T(r, sigma, H, L, S);
        for (int h = 0; h < H; h++)
        {
            for (int i = 0; i < L; i++)
            {
                Span<float> row = w.Row(h, i);
                int visible = i + S - L + 1;
                float max = row[..visible].ToArray().Max();
                double sum = 0;
                for (int j = 0; j < S; j++)
                {
                    row[j] = j < visible ? MathF.Exp(row[j] - max) : 0;
                    sum += row[j];
                }

                for (int j = 0; j < visible; j++)
                {
                    row[j] = (float)(row[j] / sum);
                }
            }
        }

        return w;
    }

    private static Tensor Rows(Random r, int d0, int d1, int d2, double sigma) => Rows(r, [d0, d1, d2], sigma);

    // A rolling buffer of W slots after tokens 0 .. position − 1 were written (slots no token reached hold large leftovers),
    // and the step's q, k, v.
    private static object?[] RollingStep(Random r, int W, int position)
    {
        int B = r.Next(1, 3), H = r.Next(1, 3), d = r.Next(1, 5);
        Tensor Kbuf = T(r, 50, B, H, W, d), Vbuf = T(r, 50, B, H, W, d);
        Tensor Kall = T(r, 1, B, H, position, d), Vall = T(r, 1, B, H, position, d);
        for (int p = Math.Max(0, position - W); p < position; p++)
        {
            for (int b = 0; b < B; b++)
            {
                for (int h = 0; h < H; h++)
                {
                    Kall.Row(b, h, p).CopyTo(Kbuf.Row(b, h, p % W));
                    Vall.Row(b, h, p).CopyTo(Vbuf.Row(b, h, p % W));
                }
            }
        }

        return [Kbuf, Vbuf, position, T(r, 1, B, H, 1, d), T(r, 1, B, H, 1, d), T(r, 1, B, H, 1, d)];
    }

    // A state [m, ℓ, o] folded from `seen` earlier keys, the next tile's scores (some hidden, or all) and its values.
    private static object?[] TileStep(Random r, int seen, int Bc, int dv, bool hidden)
    {
        double m = double.NegativeInfinity, l = 0;
        double[] o = new double[dv];
        double[] s = [.. Enumerable.Range(0, seen).Select(_ => 3 * ((r.NextDouble() * 2) - 1))];
        if (seen > 0)
        {
            m = s.Max();
            foreach (double x in s)
            {
                double e = Math.Exp(x - m);
                l += e;
                for (int c = 0; c < dv; c++)
                {
                    o[c] += e * ((r.NextDouble() * 2) - 1);
                }
            }
        }

        float[] scores = [.. Enumerable.Range(0, Bc).Select(_ => hidden && r.Next(2) == 0 ? float.NegativeInfinity : (float)(4 * ((r.NextDouble() * 2) - 1)))];
        if (hidden && r.Next(3) == 0)
        {
            Array.Fill(scores, float.NegativeInfinity);
        }

        return [(double[])[m, l, .. o], scores, T(r, 1, Bc, dv)];
    }

    // Two normalised partial outputs over disjoint key sets and their log-sum-exps; a row may have seen no key of a set.
    // Log-sum-exps far outside what e^x can hold in a double, in both directions.
    private static object?[] LargePartials(Random r) =>
        [T(r, 1, 3, 2), new Tensor([800f, -900f, 5f], 3), T(r, 1, 3, 2), new Tensor([790f, -905f, 1000f], 3)];

    private static object?[] Partials(Random r, int L, int dv, double emptyChance)
    {
        Tensor O1 = T(r, 1, L, dv), O2 = T(r, 1, L, dv), lse1 = T(r, 3, L), lse2 = T(r, 3, L);
        for (int i = 0; i < L; i++)
        {
            bool empty1 = r.NextDouble() < emptyChance, empty2 = !empty1 && r.NextDouble() < emptyChance;
            foreach ((Tensor O, Tensor lse, bool empty) in new[] { (O1, lse1, empty1), (O2, lse2, empty2) })
            {
                if (empty)
                {
                    lse[i] = float.NegativeInfinity;
                    O.Row(i).Clear();
                }
            }
        }

        return [O1, lse1, O2, lse2];
    }

    private static readonly Dictionary<string, Func<Random, IReadOnlyList<object?[]>>> Generators = new()
    {
        ["4.1a"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 5), dK = r.Next(1, 4);
            return [T(r, 1, r.Next(1, 3), r.Next(1, 5), 3 * heads * dK), heads];
        }, [T(r, 1, 1, 2, 12), 3], [T(r, 1, 1, 2, 12), 5], [T(r, 1, 1, 1, 8), 1]),
        ["4.1b"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 5), dModel = heads * r.Next(1, 4);
            return [T(r, 1, dModel, dModel), T(r, 1, dModel, dModel), heads];
        }, [T(r, 1, 6, 6), T(r, 1, 6, 6), 4], [T(r, 1, 8, 8), T(r, 1, 8, 8), 2]),
        ["4.2a"] = r => Repeat(r, r =>
        {
            int dK = r.Next(1, 9);
            double sigma = r.Next(2) == 0 ? 1 : 15;
            return [T(r, sigma, r.Next(1, 6), dK), T(r, sigma, r.Next(1, 8), dK)];
        }, [T(r, 1, 3, 4), T(r, 1, 1, 4)]),
        ["4.2b"] = r => Repeat(r, r =>
        {
            int B = r.Next(1, 3), h = r.Next(1, 4), n = r.Next(1, 5), S = r.Next(1, 6), dK = r.Next(1, 6), dV = r.Next(1, 6);
            return [T(r, 1, B, h, n, dK), T(r, 1, B, h, S, dK), T(r, 1, B, h, S, dV)];
        }),
        ["4.3a"] = r => Repeat(r, r =>
        {
            int h = r.Next(1, 5), dV = r.Next(1, 4);
            return [T(r, 1, r.Next(1, 3), h, r.Next(1, 5), dV), T(r, 0.5, h * dV, r.Next(1, 6))];
        }, [T(r, 1, 1, 3, 2, 2), T(r, 1, 5, 2)]),
        ["4.3b"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 5), dModel = heads * r.Next(1, 4);
            return [T(r, 1, dModel, dModel), T(r, 1, dModel, dModel), heads];
        }, [T(r, 1, 6, 6), T(r, 1, 6, 6), 4]),
        ["4.4b"] = r => Repeat(r, r =>
        {
            int S = r.Next(1, 9);
            return [CausalRows(r, r.Next(1, 4), r.Next(1, S + 1), S, r.Next(2) == 0 ? 1 : 4)];
        }, [CausalRows(r, 1, 1, 1, 1)], [CausalRows(r, 2, 2, 9, 6)]),
        ["4.4a"] = r => Repeat(r, r =>
        {
            int S = r.Next(2, 9), L = r.Next(1, S + 1);
            int[] batch = [.. Enumerable.Range(0, r.Next(0, 3)).Select(_ => r.Next(1, 4))];
            return [Rows(r, [.. batch, L, S], r.Next(2) == 0 ? 1 : 6)];
        }, [Rows(r, 1, 2, 2, 1)], [Rows(r, 8, 1, 9, 40)]),
        ["5.1b"] = r => Repeat(r, r =>
        {
            int B = r.Next(1, 4), n = r.Next(1, 7);
            return [T(r, r.Next(2) == 0 ? 1 : 20, B, n, n), Enumerable.Range(0, B).Select(_ => r.Next(0, n + 1)).ToArray()];
        }, [T(r, 1, 2, 4, 4), new[] { 0, 4 }], [T(r, 1, 1, 1, 1), new[] { 1 }]),
        ["5.2a"] = r => Repeat(r, r =>
        {
            int B = r.Next(1, 3), H = r.Next(1, 4), S = r.Next(0, 7), Tn = r.Next(1, 5), d = r.Next(1, 6);
            return [T(r, 1, B, H, S, d), T(r, 1, B, H, S, d), T(r, 1, B, H, Tn, d), T(r, 1, B, H, Tn, d), T(r, 1, B, H, Tn, d)];
        }, [T(r, 1, 1, 2, 0, 3), T(r, 1, 1, 2, 0, 3), T(r, 1, 1, 2, 1, 3), T(r, 1, 1, 2, 1, 3), T(r, 1, 1, 2, 1, 3)]),
        ["5.2b"] = r => Repeat(r, r => RollingStep(r, r.Next(1, 7), r.Next(0, 20)), RollingStep(r, 1, 0), RollingStep(r, 6, 0), RollingStep(r, 4, 1), RollingStep(r, 4, 3), RollingStep(r, 4, 4), RollingStep(r, 3, 17)),
        ["5.4a"] = r => Repeat(r, r =>
        {
            int n = r.Next(1, 5), d = 2 * r.Next(1, 6);
            return [T(r, 1, n, d), Enumerable.Range(0, n).Select(_ => r.Next(3) == 0 ? r.Next(0, 100_000) : r.Next(0, 64)).ToArray()];
        }, [T(r, 1, 1, 2), new[] { 0 }], [T(r, 1, 2, 8), new[] { 65_535, 1 }]),
        ["5.5a"] = r => Repeat(r, r =>
        {
            int B = r.Next(1, 4), H = r.Next(1, 3), Lq = r.Next(1, 5), Lm = r.Next(1, 7), d = r.Next(1, 5);
            return [T(r, 1, B, H, Lq, d), T(r, 1, B, H, Lm, d), T(r, 1, B, H, Lm, d), Enumerable.Range(0, B).Select(_ => r.Next(0, Lm + 1)).ToArray()];
        }, [T(r, 1, 2, 1, 2, 3), T(r, 1, 2, 1, 3, 3), T(r, 1, 2, 1, 3, 3), new[] { 0, 3 }]),
        ["5.5b"] = r => Repeat(r, r =>
        {
            int heads = r.Next(1, 4), dModel = heads * r.Next(1, 4), dMem = r.Next(1, 7), B = r.Next(1, 3);
            return [T(r, 1, B, r.Next(1, 5), dModel), T(r, 1, B, r.Next(1, 6), dMem),
                T(r, 0.5, dModel, dModel), T(r, 0.5, dMem, dModel), T(r, 0.5, dMem, dModel), T(r, 0.5, dModel, dModel), heads];
        }),
        ["6.2a"] = r => Repeat(r, r =>
        {
            int rank = r.Next(1, 6);
            return [Enumerable.Range(0, rank).Select(_ => r.Next(1, 7)).ToArray(), Enumerable.Range(0, rank).OrderBy(_ => r.Next()).ToArray()];
        }, [new[] { 5 }, new[] { 0 }], [new[] { 2, 3 }, new[] { 0, 2 }], [new[] { 2, 3 }, new[] { 1 }], [new[] { 1024, 1024, 1024, 8 }, new[] { 3, 2, 1, 0 }]),
        ["6.3a"] = r => Repeat(r, r => TileStep(r, r.Next(0, 6), r.Next(1, 6), r.Next(1, 4), r.Next(4) == 0),
            TileStep(r, 0, 3, 2, false), TileStep(r, 0, 2, 2, true), TileStep(r, 3, 2, 2, true),
            [(double[])[double.NegativeInfinity, 0, 0, 0], (float[])[float.NegativeInfinity, float.NegativeInfinity], T(r, 1, 2, 2)]),
        ["6.3b"] = r => Repeat(r, r => Partials(r, r.Next(1, 6), r.Next(1, 5), r.Next(4) == 0 ? 0 : 0.3), Partials(r, 3, 2, 1), LargePartials(r)),
        ["6.4b"] = r => Repeat(r, r =>
        {
            int n = r.Next(1, 10);
            var mask = new Tensor(n, n);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    mask[i, j] = r.Next(3) == 0 ? 1 : 0;
                }
            }

            return [mask, r.Next(1, 5)];
        }),
        ["6.5a"] = r => Repeat(r, r => [Rows(r, [r.Next(1, 3), r.Next(1, 3), r.Next(1, 5), r.Next(1, 7)], r.Next(2) == 0 ? 1 : 40, hideSome: true)]),
        ["6.5b"] = r => Repeat(r, r =>
        {
            int H = r.Next(1, 5), dv = r.Next(1, 4);
            return [T(r, 1, r.Next(1, 4), H, r.Next(1, 6), dv), T(r, 0.5, H * dv, r.Next(1, 6))];
        }),
        ["4.5d"] = r => Repeat(r, r =>
        {
            int vocab = r.Next(1, 17), n = r.Next(2, 17);
            return [Enumerable.Range(0, n).Select(_ => r.Next(vocab)).ToArray(), vocab, r.Next(4, 7)];
        }, [new[] { 5, 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 5 }, 16, 4], [new[] { 0, 0 }, 1, 4]),
        ["4.5a"] = r => Repeat(r, r =>
        {
            int kv = r.Next(1, 9), heads = kv * r.Next(1, 7);
            int[] divisors = [.. Enumerable.Range(1, heads).Where(d => heads % d == 0)];
            int devices = divisors[r.Next(divisors.Length)];
            return [heads, kv, devices, r.Next(devices)];
        }, [12, 4, 6, 3], [30, 5, 10, 2], [8, 2, 8, 7], [1, 1, 1, 0], [12, 4, 5, 0], [12, 5, 4, 0]),
        ["4.5b"] = r => Repeat(r, r =>
        {
            int layers = r.Next(1, 97), sliding = r.Next(3) == 0 ? 0 : r.Next(0, layers + 1);
            return [r.NextInt64(0, 200L << 30), r.Next(1, 65), layers, sliding, 128 * r.Next(1, 65), r.Next(1, 17), 64 * r.Next(1, 5), 1 << r.Next(3)];
        }, [0L, 1, 1, 0, 1, 1, 1, 1], [long.MaxValue, 1, 1, 0, 1, 1, 1, 1], [long.MaxValue, 1, 1, 1, 1, 1, 1, 1], [1L << 40, 1, 4, 0, 0, 1, 64, 2]),
        ["4.5c"] = r => Repeat(r, r =>
        {
            int kv = r.Next(1, 5), heads = kv * r.Next(1, 5);
            return [T(r, 1, r.Next(1, 4), heads * r.Next(1, 4)), heads, kv];
        }, [T(r, 1, 2, 12), 4, 3], [T(r, 1, 2, 10), 4, 2]),
        ["5.1a"] = r => Repeat(r, r =>
        {
            int[] lengths = [.. Enumerable.Range(0, r.Next(1, 5)).Select(_ => r.Next(0, 5))];
            if (lengths.Sum() == 0)
            {
                lengths[0] = 1;
            }

            return [lengths, r.Next(1, lengths.Sum() + 1)];
        }, [new[] { 1 }, 1], [new[] { 0, 0, 3 }, 3], [new[] { 1, 1, 1, 1 }, 4], [new[] { 3, 4 }, 8], [new[] { 3, 4 }, 0]),
        ["5.3a"] = r => Repeat(r, r => [r.Next(1, 97), r.Next(1, 17), 64 * r.Next(1, 3), 1 << r.Next(3), (long)r.Next(0, 200_000), (long)r.Next(0, 5_000),
                r.Next(2) == 0 ? 0L : r.Next(1, 300_000)],
            [32, 8, 128, 2, 100_000L, 0L, 0L], [80, 8, 128, 2, 1_000_000L, 100_000L, 0L], [32, 8, 128, 2, 10L, 100L, 50L], [32, 8, 128, 2, 100L, 10L, 50L],
            [1, 1, 64, 2, 0L, 7L, 1L]),
        ["5.3b"] = r => Repeat(r, r =>
        {
            int kv = r.Next(1, 9);
            return [(long)r.Next(1, 20_000), kv * r.Next(1, 9), kv, 32 * r.Next(1, 5), 1 << r.Next(3), r.NextDouble() * (r.Next(2) == 0 ? 20 : 400)];
        }, [1L, 1, 1, 16, 4, 1e9], [8192L, 64, 8, 128, 2, 295.0], [4096L, 8, 1, 64, 2, 0.0], [512L, 32, 8, 128, 2, 230.0], [3000L, 16, 16, 64, 2, 780.0]),
        ["5.4b"] = r => Repeat(r, r =>
        {
            int S = r.Next(0, 9);
            return [r.Next(1, 25), r.Next(0, S + 1), S, r.Next(1, 10)];
        }, [3, 2, 2, 1], [96, 1, 4, 2], [6, 0, 0, 3], [2, 1, 1, 0]),
        ["6.1a"] = r => Repeat(r, r =>
        {
            long S = r.NextInt64(1, 300_000), L = r.NextInt64(1, S + 1);
            return [L, S, r.Next(2) == 0, r.Next(3) == 0 ? 0L : r.NextInt64(1, S + 2)];
        }, [1L, 1L, true, 0L], [131_072L, 131_072L, true, 0L], [8L, 8L, true, 100L], [65_536L, 131_072L, true, 4096L]),
        ["6.1b"] = r => Repeat(r, r =>
        {
            double a = Math.Exp(r.NextDouble() * 12), b = Math.Exp((r.NextDouble() * 6) - 3), crossover = a / b;
            // Lengths from well below to well above the crossover, in random order.
            double[] N = [.. Enumerable.Range(0, r.Next(2, 7)).Select(_ => Math.Round(crossover * Math.Exp((r.NextDouble() * 6) - 3)) + 1).Distinct()];
            if (N.Length < 2)
            {
                N = [N[0], N[0] + 1];
            }

            return [N, N.Select(n => (a * n) + (b * n * n)).ToArray()];
        }, [new double[] { 1, 2 }, new double[] { 3, 10 }], [new double[] { 7, 7, 9 }, new double[] { 7 * 5 + 49, 7 * 5 + 49, 9 * 5 + 81 }]),
        ["6.2b"] = r => Repeat(r, r => [r.Next(1, 33), r.Next(1, 65), r.Next(1, 65_537), 32 * r.Next(1, 9), 1 << r.Next(3), 16 << r.Next(5)],
            [64, 32, 65_536, 128, 4, 128], [1, 1, 1, 1, 1, 1], [1, 1, 7, 1, 1, 3], [1, 1, 8, 4, 2, -1]),
        ["6.4a"] = r => Repeat(r, r =>
        {
            int n = r.Next(1, 3000);
            return [n, r.Next(1, n + 50), r.Next(3) == 0 ? 0 : r.Next(0, 20), r.Next(1, 200), r.Next(1, 200)];
        }, [1, 1, 0, 1, 1], [1, 1, 5, 4, 4], [100, 1, 100, 7, 3], [64, 64, 0, 64, 64], [10, 3, -1, 2, 2]),
    };
}
