namespace Course.Solutions;

/// <summary>The reference answers of section 5 (decoder attention in LLMs).</summary>
public static partial class ReferenceAnswers
{
    private static readonly Dictionary<string, string> Section5 = new()
    {
        ["5.1a"] =
            """
            Tensor PackedCausalMask(int[] documentLengths, int queries)
            {
                int S = documentLengths.Sum();
                if (documentLengths.Any(n => n < 0) || queries < 1 || queries > S)
                {
                    throw new ArgumentException($"{queries} queries over {S} packed positions.", nameof(queries));
                }

                // The document of every position, then: same document and not in the future.
                var document = new int[S];
                for (int d = 0, p = 0; d < documentLengths.Length; d++)
                {
                    for (int t = 0; t < documentLengths[d]; t++)
                    {
                        document[p++] = d;
                    }
                }

                var mask = new Tensor(queries, S);
                for (int i = 0; i < queries; i++)
                {
                    int p = i + S - queries;               // query i is the position i + S − L
                    for (int j = 0; j <= p; j++)
                    {
                        mask[i, j] = document[j] == document[p] ? 1 : 0;
                    }
                }

                return mask;
            }
            """,
        ["5.2a"] =
            """
            Tensor DecodeStep(Tensor Kcache, Tensor Vcache, Tensor q, Tensor k, Tensor v)
            {
                int B = q.Dim(0), H = q.Dim(1), T = q.Dim(2), d = q.Dim(3), S = Kcache.Dim(2), dv = v.Dim(3);
                float scale = 1f / MathF.Sqrt(d);
                var O = new Tensor(B, H, T, dv);
                var scores = new float[S + T];
                for (int b = 0; b < B; b++)
                {
                    for (int h = 0; h < H; h++)
                    {
                        for (int t = 0; t < T; t++)
                        {
                            int visible = S + t + 1;          // every cached key, and the new keys 0..t
                            for (int j = 0; j < visible; j++)
                            {
                                var key = j < S ? Kcache.Row(b, h, j) : k.Row(b, h, j - S);
                                scores[j] = scale * TensorPrimitives.Dot(q.Row(b, h, t), key);
                            }

                            Span<float> w = scores.AsSpan(0, visible);
                            TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                            TensorPrimitives.Exp(w, w);
                            TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                            Span<float> o = O.Row(b, h, t);
                            for (int j = 0; j < visible; j++)
                            {
                                var value = j < S ? Vcache.Row(b, h, j) : v.Row(b, h, j - S);
                                TensorPrimitives.MultiplyAdd(value, w[j], o, o);
                            }
                        }
                    }
                }

                return O;
            }
            """,
        ["5.4a"] =
            """
            Tensor Rotate(Tensor x, int[] positions)
            {
                int n = x.Dim(0), d = x.Dim(1);
                var rotated = new Tensor(n, d);
                for (int r = 0; r < n; r++)
                {
                    for (int i = 0; i < d / 2; i++)
                    {
                        double angle = positions[r] * Math.Pow(10000, -2.0 * i / d);
                        double cos = Math.Cos(angle), sin = Math.Sin(angle);
                        float a = x[r, 2 * i], b = x[r, (2 * i) + 1];
                        rotated[r, 2 * i] = (float)((a * cos) - (b * sin));
                        rotated[r, (2 * i) + 1] = (float)((a * sin) + (b * cos));
                    }
                }

                return rotated;
            }
            """,
        ["5.5a"] =
            """
            Tensor CrossAttend(Tensor Q, Tensor Kmem, Tensor Vmem, int[] memoryLengths)
            {
                int B = Q.Dim(0), H = Q.Dim(1), Lq = Q.Dim(2), d = Q.Dim(3), dv = Vmem.Dim(3);
                float scale = 1f / MathF.Sqrt(d);
                var O = new Tensor(B, H, Lq, dv);
                for (int b = 0; b < B; b++)
                {
                    int real = memoryLengths[b];
                    if (real == 0)
                    {
                        continue;                                // nothing to attend to: the rows stay 0
                    }

                    var w = new float[real];
                    for (int h = 0; h < H; h++)
                    {
                        for (int i = 0; i < Lq; i++)
                        {
                            for (int j = 0; j < real; j++)
                            {
                                w[j] = scale * TensorPrimitives.Dot(Q.Row(b, h, i), Kmem.Row(b, h, j));
                            }

                            TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                            TensorPrimitives.Exp(w, w);
                            TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                            for (int j = 0; j < real; j++)
                            {
                                TensorPrimitives.MultiplyAdd(Vmem.Row(b, h, j), w[j], O.Row(b, h, i), O.Row(b, h, i));
                            }
                        }
                    }
                }

                return O;
            }
            """,
        ["5.1b"] =
            """
            Tensor MaskedWeights(Tensor scores, int[] lengths)
            {
                int B = scores.Dim(0), n = scores.Dim(1);
                var weights = new Tensor(B, n, n);
                for (int b = 0; b < B; b++)
                {
                    int firstReal = n - lengths[b];            // left padding: positions 0..firstReal - 1 are padding
                    for (int i = firstReal; i < n; i++)        // padding queries see nothing: their rows stay 0
                    {
                        Span<float> w = weights.Row(b, i).Slice(firstReal, i - firstReal + 1);
                        scores.Row(b, i).Slice(firstReal, i - firstReal + 1).CopyTo(w);
                        TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                        TensorPrimitives.Exp(w, w);
                        TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                    }
                }

                return weights;
            }
            """,
        ["5.4b"] =
            """
            Tensor AlibiWindowBias(int heads, int queries, int keys, int window)
            {
                if (heads < 1 || queries < 0 || keys < 0 || window < 1)
                {
                    throw new ArgumentException($"heads {heads}, queries {queries}, keys {keys}, window {window}: need heads ≥ 1 and window ≥ 1.");
                }

                // The slopes of the ALiBi paper: 2^(−8(a+1)/n) for a power of two n; otherwise those of the largest power of two p
                // below n, then every other slope of 2p, the first n − p of them.
                double[] PowerOfTwo(int n) => Enumerable.Range(1, n).Select(a => Math.Pow(2, -8.0 * a / n)).ToArray();
                int p = 1;
                while (p * 2 <= heads)
                {
                    p *= 2;
                }

                double[] m = p == heads ? PowerOfTwo(heads) : [.. PowerOfTwo(p), .. PowerOfTwo(2 * p).Where((_, a) => a % 2 == 0).Take(heads - p)];
                var bias = new Tensor(heads, queries, keys);
                for (int a = 0; a < heads; a++)
                {
                    for (int i = 0; i < queries; i++)
                    {
                        int position = i + keys - queries;
                        for (int j = 0; j < keys; j++)
                        {
                            int distance = position - j;
                            bias[a, i, j] = distance >= 0 && distance < window ? (float)(-m[a] * distance) : float.NegativeInfinity;
                        }
                    }
                }

                return bias;
            }
            """,
        ["5.2b"] =
            """
            Tensor WindowDecodeStep(Tensor Kbuf, Tensor Vbuf, int position, Tensor q, Tensor k, Tensor v)
            {
                int B = q.Dim(0), H = q.Dim(1), d = q.Dim(3), W = Kbuf.Dim(2), dv = v.Dim(3);
                int slot = position % W;
                for (int b = 0; b < B; b++)
                {
                    for (int h = 0; h < H; h++)
                    {
                        k.Row(b, h, 0).CopyTo(Kbuf.Row(b, h, slot));
                        v.Row(b, h, 0).CopyTo(Vbuf.Row(b, h, slot));
                    }
                }

                // Positions first .. position are in the buffer; which slot holds which does not matter to the softmax.
                int first = Math.Max(0, position - W + 1);
                float scale = 1f / MathF.Sqrt(d);
                var O = new Tensor(B, H, 1, dv);
                var scores = new float[position - first + 1];
                for (int b = 0; b < B; b++)
                {
                    for (int h = 0; h < H; h++)
                    {
                        for (int p = first; p <= position; p++)
                        {
                            scores[p - first] = scale * TensorPrimitives.Dot(q.Row(b, h, 0), Kbuf.Row(b, h, p % W));
                        }

                        TensorPrimitives.Subtract(scores, TensorPrimitives.Max(scores), scores);
                        TensorPrimitives.Exp(scores, scores);
                        TensorPrimitives.Divide(scores, TensorPrimitives.Sum(scores), scores);
                        Span<float> o = O.Row(b, h, 0);
                        for (int p = first; p <= position; p++)
                        {
                            TensorPrimitives.MultiplyAdd(Vbuf.Row(b, h, p % W), scores[p - first], o, o);
                        }
                    }
                }

                return O;
            }
            """,
        ["5.3a"] =
            """
            long GenerationKvReads(int layers, int kvHeads, int headDim, int bytesPerValue, long promptTokens, long newTokens, long window)
            {
                long perToken = 2L * layers * kvHeads * headDim * bytesPerValue;   // K and V, every layer
                // Step s attends to min(P + s, W) tokens: sum the growing part, then the flat part, in closed form.
                long first = promptTokens + 1, last = promptTokens + newTokens;
                if (newTokens <= 0)
                {
                    return 0;
                }

                long cap = window > 0 ? window : long.MaxValue;
                long growingEnd = Math.Min(last, cap);                                 // context lengths first .. growingEnd grow
                Int128 tokens = growingEnd >= first ? ((Int128)(first + growingEnd) * (growingEnd - first + 1)) / 2 : 0;
                long flatSteps = last - Math.Max(growingEnd, first - 1);               // the rest read exactly W tokens
                tokens += (Int128)flatSteps * Math.Min(cap, last);
                return (long)(tokens * perToken);
            }
            """,
        ["5.3b"] =
            """
            long ChunkForRidge(long keys, int heads, int kvHeads, int headDim, int bytesPerValue, double ridge)
            {
                long S = keys;
                // Intensity is not monotone in L: scan every chunk size.
                for (long L = 1; L <= S; L++)
                {
                    double pairs = (L * (double)(S - L)) + (L * (L + 1) / 2.0);         // query i sees i + S − L + 1 keys
                    double flops = 4.0 * heads * headDim * pairs;
                    double bytes = ((2.0 * L * heads * headDim) + (2.0 * S * kvHeads * headDim)) * bytesPerValue;
                    if (flops / bytes >= ridge)
                    {
                        return L;
                    }
                }

                return -1;
            }
            """,
        ["5.5b"] =
            """
            Tensor CrossAttentionLayer(Tensor X, Tensor memory, Tensor W_Q, Tensor W_K, Tensor W_V, Tensor W_O, int heads)
            {
                int B = X.Dim(0), Lq = X.Dim(1), Lm = memory.Dim(1), dModel = W_Q.Dim(1), dk = dModel / heads;
                Tensor Q = Linear.Forward(X, W_Q), K = Linear.Forward(memory, W_K), V = Linear.Forward(memory, W_V);   // queries from the decoder, keys and values from the memory
                float scale = 1f / MathF.Sqrt(dk);
                var merged = new Tensor(B, Lq, dModel);
                var weights = new float[Lm];
                for (int b = 0; b < B; b++)
                {
                    for (int a = 0; a < heads; a++)
                    {
                        for (int i = 0; i < Lq; i++)
                        {
                            ReadOnlySpan<float> q = Q.Row(b, i).Slice(a * dk, dk);
                            for (int j = 0; j < Lm; j++)
                            {
                                weights[j] = scale * TensorPrimitives.Dot(q, K.Row(b, j).Slice(a * dk, dk));
                            }

                            TensorPrimitives.Subtract(weights, TensorPrimitives.Max(weights), weights);
                            TensorPrimitives.Exp(weights, weights);
                            TensorPrimitives.Divide(weights, TensorPrimitives.Sum(weights), weights);
                            Span<float> o = merged.Row(b, i).Slice(a * dk, dk);   // head a's slot of the concatenation
                            for (int j = 0; j < Lm; j++)
                            {
                                TensorPrimitives.MultiplyAdd(V.Row(b, j).Slice(a * dk, dk), weights[j], o, o);
                            }
                        }
                    }
                }

                return Linear.Forward(merged, W_O);
            }
            """,
    };
}
