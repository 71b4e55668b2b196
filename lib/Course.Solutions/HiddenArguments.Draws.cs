using Attention;

namespace Course.Solutions;

/// <summary>The draws several hidden cases share: softmax rows, rolling buffers, online-softmax states, partial attentions.</summary>
public static partial class HiddenArguments
{
    // Softmax rows over a random number of visible keys (hideSome) or all keys; hidden keys weigh 0, a row may see none.
    private static Tensor Rows(Random r, int[] shape, double sigma, bool hideSome = false) =>
        VisibleSoftmax(T(r, sigma, shape), _ => hideSome ? r.Next(0, shape[^1] + 1) : shape[^1]);

    // [H, L, S] causal softmax rows of the last L of S positions (query i sees keys 0 .. i + S − L).
    private static Tensor CausalRows(Random r, int H, int L, int S, double sigma) =>
        VisibleSoftmax(T(r, sigma, H, L, S), row => (row % L) + S - L + 1);

    // Row k keeps its first visible(k) logits; the rest are masked (−∞) before the library softmax, which gives a row
    // that sees nothing all zeros.
    private static Tensor VisibleSoftmax(Tensor logits, Func<int, int> visible)
    {
        int S = logits.Dim(-1);
        for (int row = 0; S > 0 && row < logits.Length / S; row++)
        {
            int seen = visible(row);
            logits.Data.AsSpan((row * S) + seen, S - seen).Fill(float.NegativeInfinity);
        }

        return Softmax.LastAxis(logits);
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
}
