namespace Course.Solutions;

/// <summary>The reference answers of section 7 (attention in 2026 models).</summary>
public static partial class ReferenceAnswers
{
    private static readonly Dictionary<string, string> Section7 = new()
    {
        ["7.1a"] =
            """
            long[] LatentDecodeMultiplyAdds(int heads, int headDim, int latentDim, int ropeDim, int cachedTokens)
            {
                if (heads < 1 || headDim < 1 || latentDim < 1 || ropeDim < 0 || cachedTokens < 1)
                {
                    throw new ArgumentException("heads, headDim, latentDim and cachedTokens must be positive and ropeDim non-negative.");
                }

                long h = heads, dh = headDim, dc = latentDim, dR = ropeDim, n = cachedTokens;

                // Explicit: every cached latent up to K and V for every head, then scores over d_h + d_R and a sum over d_h.
                long rebuild = 2 * n * dc * h * dh;
                long explicitForm = rebuild + (h * n * (dh + dR)) + (h * n * dh);

                // Absorbed: per head, the query into latent space and the result out of it once; per token, scores over
                // d_c + d_R and a sum over d_c.
                long absorbedForm = (2 * h * dh * dc) + (h * n * (dc + dR)) + (h * n * dc);
                return [explicitForm, absorbedForm];
            }
            """,
        ["7.1b"] =
            """
            Tensor RotatedKeyProjection(Tensor WUk, int delta)
            {
                if (WUk.Rank != 2 || WUk.Dim(1) == 0 || WUk.Dim(1) % 2 != 0)
                {
                    throw new ArgumentException($"WUk must be [d_c, d_h] with d_h even and positive; got {WUk.ShapeText}.");
                }

                // RoPE(q, m)·RoPE(k, n) = q·R(n − m) k, and R(Δ)(c W) = c (W with each row rotated by Δ): rotate the rows.
                int dc = WUk.Dim(0), dh = WUk.Dim(1), half = dh / 2;
                var A = WUk.Clone();
                for (int i = 0; i < half; i++)
                {
                    double angle = delta * Math.Pow(10000, -2.0 * i / dh);
                    float cos = (float)Math.Cos(angle), sin = (float)Math.Sin(angle);
                    for (int r = 0; r < dc; r++)
                    {
                        float a = WUk[r, i], b = WUk[r, i + half];
                        A[r, i] = (a * cos) - (b * sin);
                        A[r, i + half] = (a * sin) + (b * cos);
                    }
                }

                return A;
            }
            """,
        ["7.2a"] =
            """
            int[] PositionsPredictableThroughCache(int length, int period, int sinks, int window)
            {
                if (length < 1 || period < 1 || sinks < 0 || window < 1)
                {
                    throw new ArgumentException("length, period and window must be at least 1, sinks at least 0.");
                }

                bool Held(int j, int now) => j < sinks || j > now - window;
                var predictable = new List<int>();
                for (int p = 0; p + 1 < length; p++)
                {
                    // Key j carries token j − 1 (if it could see it when it arrived); it answers when token j − 1 = token p.
                    for (int j = p; j >= 1; j--)
                    {
                        if ((j - 1) % period == p % period && Held(j, p) && Held(j - 1, j))
                        {
                            predictable.Add(p);
                            break;
                        }
                    }
                }

                return predictable.ToArray();
            }
            """,
        ["7.2b"] =
            """
            long[] StreamingDotProducts(int length, int sinks, int window)
            {
                if (length < 1 || sinks < 0 || window < 1)
                {
                    throw new ArgumentException("length and window must be at least 1, sinks at least 0.");
                }

                long dense = 0, windowed = 0, recomputed = 0, streaming = 0;
                for (long p = 0; p < length; p++)
                {
                    long seen = p + 1, m = Math.Min(seen, window);
                    dense += seen;
                    windowed += m;
                    recomputed += m * (m + 1) / 2;
                    streaming += Math.Min(seen, (long)sinks + window);
                }

                return [dense, windowed, recomputed, streaming];
            }
            """,
        ["7.3a"] =
            """
            int[] UnseenAnglePairs(double[] trainedFrequencies, double[] usedFrequencies, int trainedContext, int targetLength)
            {
                if (trainedFrequencies.Length == 0 || trainedFrequencies.Length != usedFrequencies.Length || trainedContext < 1 || targetLength < 1
                    || trainedFrequencies.Concat(usedFrequencies).Any(f => !(f > 0) || double.IsInfinity(f)))
                {
                    throw new ArgumentException("one positive finite frequency per pair in both arrays, and lengths of at least 1.");
                }

                // Distances run from 0 to n − 1, so training produced the angles 0 .. (L_train − 1) θ_i, or every angle after a full turn.
                var unseen = new List<int>();
                for (int i = 0; i < trainedFrequencies.Length; i++)
                {
                    double trained = (trainedContext - 1) * trainedFrequencies[i];
                    if (trained < 2 * Math.PI && (targetLength - 1) * usedFrequencies[i] > trained)
                    {
                        unseen.Add(i);
                    }
                }

                return unseen.ToArray();
            }
            """,
        ["7.3b"] =
            """
            int[] AlibiReach(int heads, double logitSpread, double epsilon)
            {
                if (heads < 1 || !(logitSpread >= 0) || double.IsInfinity(logitSpread) || !(epsilon > 0) || epsilon > 1)
                {
                    throw new ArgumentException("heads ≥ 1, a finite spread ≥ 0 and epsilon in (0, 1].");
                }

                // Press et al.'s slopes: 2^(−8k/p) for the largest power of two p ≤ n, then every other slope of 2p.
                int p = 1;
                while (2 * p <= heads)
                {
                    p *= 2;
                }

                var slopes = Enumerable.Range(1, p).Select(k => Math.Pow(2, -8.0 * k / p))
                    .Concat(Enumerable.Range(0, heads - p).Select(k => Math.Pow(2, -8.0 * ((2 * k) + 1) / (2 * p))));

                // weight(j) / weight(i) = exp(content gap − m d) ≤ exp(Δ − m d): at least ε while d ≤ (Δ − ln ε) / m.
                return slopes.Select(m => (int)Math.Floor((logitSpread - Math.Log(epsilon)) / m)).ToArray();
            }
            """,
        ["7.4a"] =
            """
            long BlocksForParallelSampling(int promptTokens, int samples, int generatedTokens, int blockSize)
            {
                if (promptTokens < 1 || samples < 1 || generatedTokens < 0 || blockSize < 1)
                {
                    throw new ArgumentException("promptTokens, samples and blockSize must be at least 1, generatedTokens at least 0.");
                }

                long full = promptTokens / blockSize, tail = promptTokens % blockSize;
                if (generatedTokens == 0)
                {
                    return full + (tail > 0 ? 1 : 0);
                }

                // Full prompt blocks stay shared; from the partly filled one on, every sample ends up with its own blocks
                // (the first samples to write copy it, the last writes into the original).
                long own = (tail + generatedTokens + blockSize - 1) / blockSize;
                return full + (samples * own);
            }
            """,
        ["7.4b"] =
            """
            Tensor PaddedWindowMask(int[] promptLengths, int generated, int window)
            {
                if (window < 1 || generated < 0 || promptLengths.Length == 0 || promptLengths.Any(n => n < 1))
                {
                    throw new ArgumentException("window and prompt lengths must be at least 1, generated at least 0.");
                }

                int B = promptLengths.Length, P = promptLengths.Max(), S = P + generated + 1;
                var mask = new Tensor(B, S);
                for (int b = 0; b < B; b++)
                {
                    int pad = P - promptLengths[b];
                    for (int s = Math.Max(pad, S - window); s < S; s++)
                    {
                        mask[b, s] = 1;
                    }
                }

                return mask;
            }
            """,
        ["7.5a"] =
            """
            double[] AlibiSlopeGradients(Tensor Q, Tensor K, Tensor V, double[] slopes, Tensor dO)
            {
                int H = Q.Dim(0), L = Q.Dim(1), d = Q.Dim(2), S = K.Dim(1), dv = V.Dim(2);
                if (slopes.Length != H)
                {
                    throw new ArgumentException($"slopes needs one entry per head ({H}); got {slopes.Length}.");
                }

                var gradient = new double[H];
                for (int h = 0; h < H; h++)
                {
                    for (int i = 0; i < L; i++)
                    {
                        int position = i + S - L;
                        var logits = new double[position + 1];
                        for (int j = 0; j <= position; j++)
                        {
                            double dot = 0;
                            for (int e = 0; e < d; e++)
                            {
                                dot += Q[h, i, e] * K[h, j, e];
                            }

                            logits[j] = (dot / Math.Sqrt(d)) - (slopes[h] * (position - j));
                        }

                        double max = logits.Max();
                        double[] p = [.. logits.Select(l => Math.Exp(l - max))];
                        double total = p.Sum();
                        var dP = new double[position + 1];
                        double D = 0;
                        for (int j = 0; j <= position; j++)
                        {
                            p[j] /= total;
                            for (int e = 0; e < dv; e++)
                            {
                                dP[j] += dO[h, i, e] * V[h, j, e];
                            }

                            D += p[j] * dP[j];
                        }

                        // ∂loss/∂logit_j = P_j (dP_j − D), and ∂logit_j/∂slope = −distance.
                        for (int j = 0; j <= position; j++)
                        {
                            gradient[h] -= p[j] * (dP[j] - D) * (position - j);
                        }
                    }
                }

                return gradient;
            }
            """,
        ["7.5b"] =
            """
            Tensor GroupedKvGradients(Tensor Q, Tensor K, Tensor V, Tensor dO)
            {
                int Hq = Q.Dim(0), L = Q.Dim(1), d = Q.Dim(2), H = K.Dim(0), S = K.Dim(1), dv = V.Dim(2);
                if (H == 0 || Hq % H != 0)
                {
                    throw new ArgumentException($"Hq = {Hq} query heads cannot share H = {H} KV heads evenly.");
                }

                int group = Hq / H;
                var grads = new Tensor(H, S, d + dv);
                double scale = 1 / Math.Sqrt(d);
                for (int h = 0; h < Hq; h++)
                {
                    int kv = h / group;
                    for (int i = 0; i < L; i++)
                    {
                        var logits = new double[S];
                        for (int j = 0; j < S; j++)
                        {
                            for (int e = 0; e < d; e++)
                            {
                                logits[j] += Q[h, i, e] * K[kv, j, e] * scale;
                            }
                        }

                        double max = logits.Max();
                        double[] p = [.. logits.Select(l => Math.Exp(l - max))];
                        double total = p.Sum();
                        var dP = new double[S];
                        double D = 0;
                        for (int j = 0; j < S; j++)
                        {
                            p[j] /= total;
                            for (int e = 0; e < dv; e++)
                            {
                                dP[j] += dO[h, i, e] * V[kv, j, e];
                            }

                            D += p[j] * dP[j];
                        }

                        // Every reader of KV head kv adds its share: a shared parameter's gradient is the sum.
                        for (int j = 0; j < S; j++)
                        {
                            double dS = p[j] * (dP[j] - D);
                            for (int e = 0; e < d; e++)
                            {
                                grads[kv, j, e] += (float)(dS * scale * Q[h, i, e]);
                            }

                            for (int e = 0; e < dv; e++)
                            {
                                grads[kv, j, d + e] += (float)(p[j] * dO[h, i, e]);
                            }
                        }
                    }
                }

                return grads;
            }
            """,
    };
}
