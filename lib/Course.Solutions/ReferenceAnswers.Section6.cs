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
            double FitExponent(double[] N, double[] cost)
            {
                double[] x = N.Select(n => Math.Log(n)).ToArray(), y = cost.Select(c => Math.Log(c)).ToArray();
                double xMean = x.Average(), yMean = y.Average();
                double covariance = 0, variance = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    covariance += (x[i] - xMean) * (y[i] - yMean);
                    variance += (x[i] - xMean) * (x[i] - xMean);
                }

                return covariance / variance;
            }
            """,
        ["6.2a"] =
            """
            Tensor ReadHead(float[] storage, int B, int H, int S, int D, bool tokenMajor, int b, int h)
            {
                // Strides of the logical axes (b, h, s, e) in the stored order.
                int strideB = H * S * D;
                int strideH = tokenMajor ? D : S * D;
                int strideS = tokenMajor ? H * D : D;
                var head = new Tensor(S, D);
                for (int s = 0; s < S; s++)
                {
                    for (int e = 0; e < D; e++)
                    {
                        head[s, e] = storage[(b * strideB) + (h * strideH) + (s * strideS) + e];
                    }
                }

                return head;
            }
            """,
        ["6.2b"] =
            """
            long[] StandardTrafficBytes(int B, int H, int N, int d, int bytesPerValue)
            {
                long n = N, Nd = n * d, NN = n * n;
                long reads = (2 * Nd) + NN + (NN + Nd);   // Q, K; S; P, V
                long writes = NN + NN + Nd;                // S; P; O
                long scale = (long)B * H * bytesPerValue;
                return [reads * scale, writes * scale];
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
            Tensor LocalGlobalMask(int n, int window, int[] globals)
            {
                var mask = new Tensor(n, n);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j <= i; j++)
                    {
                        bool local = i - j < window;
                        if (local || globals.Contains(j) || globals.Contains(i))
                        {
                            mask[i, j] = 1;
                        }
                    }
                }

                return mask;
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
