namespace Course.Solutions;

/// <summary>The reference answers of section 6 (complexity and efficient attention).</summary>
public static partial class ReferenceAnswers
{
    private static readonly Dictionary<string, string> Section6 = new()
    {
        ["6.1a"] =
            """
            long VisiblePairs(long queries, long keys, bool causal, long window)
            {
                if (!causal)
                {
                    return queries * keys;
                }

                // Positions 0..x-1 together see sum_p min(p + 1, W) keys: a triangle up to W, then W per position.
                long Prefix(long x)
                {
                    if (window > 0 && x > window)
                    {
                        return (window * (window + 1) / 2) + ((x - window) * window);
                    }

                    return x * (x + 1) / 2;
                }

                // The queries are positions keys - queries .. keys - 1.
                return Prefix(keys) - Prefix(keys - queries);
            }
            """,
        ["6.1b"] =
            """
            double CrossoverLength(double[] N, double[] cost)
            {
                // cost / N = a + b·N is a straight line in N: least squares gives a and b; the parts are equal where a·N = b·N².
                double[] y = [.. cost.Select((c, k) => c / N[k])];
                double xMean = N.Average(), yMean = y.Average();
                double sxy = 0, sxx = 0;
                for (int k = 0; k < N.Length; k++)
                {
                    sxy += (N[k] - xMean) * (y[k] - yMean);
                    sxx += (N[k] - xMean) * (N[k] - xMean);
                }

                double b = sxy / sxx, a = yMean - (b * xMean);
                return a / b;
            }
            """,
        ["6.2a"] =
            """
            long[] LayoutStrides(int[] shape, int[] order)
            {
                if (order.Length != shape.Length || order.Distinct().Count() != order.Length || order.Any(a => a < 0 || a >= shape.Length))
                {
                    throw new ArgumentException($"order [{string.Join(", ", order)}] is not a permutation of the {shape.Length} axes.", nameof(order));
                }

                // Innermost stored axis first: its stride is 1, and each axis outwards skips everything inside it.
                var strides = new long[shape.Length];
                long inside = 1;
                for (int k = order.Length - 1; k >= 0; k--)
                {
                    strides[order[k]] = inside;
                    inside *= shape[order[k]];
                }

                return strides;
            }
            """,
        ["6.2b"] =
            """
            long[] FlashTrafficBytes(int B, int H, int N, int d, int bytesPerValue, int blockRows)
            {
                if (B < 1 || H < 1 || N < 1 || d < 1 || bytesPerValue < 1 || blockRows < 1)
                {
                    throw new ArgumentException("every size must be positive.");
                }

                // Per head: Q read once and O written once (N·d each); every query block streams all of K and V (2·N·d) through.
                long blocks = (N + (long)blockRows - 1) / blockRows;
                long perHead = (long)N * d;
                long read = (perHead + (blocks * 2 * perHead)) * B * H * bytesPerValue;
                long written = perHead * B * H * bytesPerValue;
                return [read, written];
            }
            """,
        ["6.3a"] =
            """
            double[] TileUpdate(double[] state, float[] scores, Tensor Vtile)
            {
                double m = state[0], l = state[1];
                double mNew = m;
                foreach (float s in scores)
                {
                    mNew = Math.Max(mNew, s);
                }

                if (double.IsNegativeInfinity(mNew))
                {
                    return (double[])state.Clone();   // nothing visible yet: e^(-inf - (-inf)) would be NaN
                }

                int dv = state.Length - 2;
                double rescale = Math.Exp(m - mNew);   // 0 when the row was empty
                var next = new double[state.Length];
                next[0] = mNew;
                next[1] = l * rescale;
                for (int e = 0; e < dv; e++)
                {
                    next[2 + e] = state[2 + e] * rescale;
                }

                for (int j = 0; j < scores.Length; j++)
                {
                    double p = Math.Exp(scores[j] - mNew);   // 0 for a hidden key
                    next[1] += p;
                    for (int e = 0; e < dv; e++)
                    {
                        next[2 + e] += p * Vtile[j, e];
                    }
                }

                return next;
            }
            """,
        ["6.3b"] =
            """
            Tensor MergePartials(Tensor O1, Tensor lse1, Tensor O2, Tensor lse2)
            {
                int L = O1.Dim(0), dv = O1.Dim(1);
                var O = new Tensor(L, dv);
                for (int i = 0; i < L; i++)
                {
                    double a = lse1[i], b = lse2[i];
                    double top = Math.Max(a, b);
                    if (double.IsNegativeInfinity(top))
                    {
                        continue;   // no key anywhere: the row stays 0
                    }

                    // Weights of the parts, e^(lse_k - lse), computed from differences only.
                    double wa = Math.Exp(a - top), wb = Math.Exp(b - top);
                    double total = wa + wb;
                    for (int e = 0; e < dv; e++)
                    {
                        O[i, e] = (float)(((wa * O1[i, e]) + (wb * O2[i, e])) / total);
                    }
                }

                return O;
            }
            """,
        ["6.4a"] =
            """
            long TilesComputed(int n, int window, int sinks, int blockRows, int blockCols)
            {
                if (n < 1 || window < 1 || sinks < 0 || blockRows < 1 || blockCols < 1)
                {
                    throw new ArgumentException("n, window and the tile sizes must be positive; sinks may be 0.");
                }

                long tiles = 0;
                for (int r0 = 0; r0 < n; r0 += blockRows)
                {
                    int r1 = Math.Min(n, r0 + blockRows) - 1;                 // queries r0 .. r1
                    for (int c0 = 0; c0 < n; c0 += blockCols)
                    {
                        int c1 = Math.Min(n, c0 + blockCols) - 1;             // keys c0 .. c1
                        // Window: some query i and key j ≤ i with i − j < window. A tile the diagonal crosses has a pair at distance 0;
                        // one entirely below it comes closest at its top-right corner (query r0, key c1); one above it has no pair.
                        bool windowed = c0 <= r1 && (c1 >= r0 || r0 - c1 < window);
                        // Sinks: a key j < sinks with j ≤ i for some query i of the tile.
                        bool sink = c0 < sinks && c0 <= r1;
                        tiles += windowed || sink ? 1 : 0;
                    }
                }

                return tiles;
            }
            """,
        ["6.4b"] =
            """
            Tensor Reach(Tensor mask, int layers)
            {
                int n = mask.Dim(0);
                var step = new Tensor(n, n);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        step[i, j] = i == j || mask[i, j] != 0 ? 1 : 0;   // the residual keeps a position's own state
                    }
                }

                Tensor reach = step.Clone();
                for (int l = 1; l < layers; l++)
                {
                    var next = new Tensor(n, n);
                    for (int i = 0; i < n; i++)
                    {
                        for (int k = 0; k < n; k++)
                        {
                            if (step[i, k] == 0)
                            {
                                continue;
                            }

                            for (int j = 0; j < n; j++)
                            {
                                if (reach[k, j] != 0)
                                {
                                    next[i, j] = 1;   // i reads k, which already held j
                                }
                            }
                        }
                    }

                    reach = next;
                }

                return reach;
            }
            """,
        ["6.5a"] =
            """
            Tensor RowEntropy(Tensor weights)
            {
                int B = weights.Dim(0), H = weights.Dim(1), L = weights.Dim(2);
                var entropy = new Tensor(B, H, L);
                for (int b = 0; b < B; b++)
                {
                    for (int h = 0; h < H; h++)
                    {
                        for (int i = 0; i < L; i++)
                        {
                            double sum = 0;
                            foreach (float w in weights.Row(b, h, i))
                            {
                                if (w > 0)
                                {
                                    sum -= w * Math.Log(w);   // 0 ln 0 = 0: skip hidden keys
                                }
                            }

                            entropy[b, h, i] = (float)sum;
                        }
                    }
                }

                return entropy;
            }
            """,
        ["6.5b"] =
            """
            double[] AblationEffects(Tensor headOutputs, Tensor W_O)
            {
                int B = headOutputs.Dim(0), H = headOutputs.Dim(1), N = headOutputs.Dim(2), dv = headOutputs.Dim(3);
                Tensor Project(Tensor heads)
                {
                    var merged = new Tensor(B, N, H * dv);
                    for (int b = 0; b < B; b++)
                    {
                        for (int a = 0; a < H; a++)
                        {
                            for (int n = 0; n < N; n++)
                            {
                                heads.Row(b, a, n).CopyTo(merged.Row(b, n).Slice(a * dv, dv));
                            }
                        }
                    }

                    return Linear.Forward(merged, W_O);
                }

                Tensor Y = Project(headOutputs);
                double norm = Math.Sqrt(Y.Data.Sum(v => (double)v * v));
                var effects = new double[H];
                for (int a = 0; a < H; a++)
                {
                    Tensor ablated = headOutputs.Clone();
                    var mean = new float[dv];
                    for (int b = 0; b < B; b++)
                    {
                        for (int n = 0; n < N; n++)
                        {
                            TensorPrimitives.Add(mean, headOutputs.Row(b, a, n), mean);
                        }
                    }

                    TensorPrimitives.Divide(mean, B * N, mean);
                    for (int b = 0; b < B; b++)
                    {
                        for (int n = 0; n < N; n++)
                        {
                            mean.CopyTo(ablated.Row(b, a, n));
                        }
                    }

                    Tensor Ya = Project(ablated);
                    effects[a] = Math.Sqrt(Y.Data.Zip(Ya.Data, (x, y) => (double)(x - y) * (x - y)).Sum()) / norm;
                }

                return effects;
            }
            """,
    };
}
