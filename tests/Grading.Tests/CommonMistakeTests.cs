using Attention;

namespace Grading.Tests;

/// <summary>
/// The graded cases can fail: for each exercise, a common mistake compiled as a student's cell loses exactly the practice
/// cases that are there to catch it, keeps the others, loses the hidden case, and so earns at most a third of the points.
/// </summary>
[Collection("console")] // Check redirects Console.Out, like ExerciseTests: never in parallel with it.
public class CommonMistakeTests
{
    public static TheoryData<string, string, bool[]> Mistakes => new()
    {
        // GPT-2's [Q | K | V] layout read instead of GPT-NeoX's per-head blocks: right only with one head.
        { "4.1a", """
            Tensor SplitFusedQkv(Tensor qkv, int heads)
            {
                int B = qkv.Dim(0), n = qkv.Dim(1), width = qkv.Dim(2);
                if (heads <= 0 || width % (3 * heads) != 0) throw new ArgumentException("width");
                int dModel = width / 3, dK = dModel / heads;
                var split = new Tensor(3, B, heads, n, dK);
                for (int part = 0; part < 3; part++)
                    for (int b = 0; b < B; b++)
                        for (int i = 0; i < n; i++)
                            for (int a = 0; a < heads; a++)
                                qkv.Row(b, i).Slice((part * dModel) + (a * dK), dK).CopyTo(split.Row(part, b, a, i));
                return split;
            }
            """, [false, false, true, false, true, true] },
        // The 1/√d_k the softmax sees left out: right only when d_k = 1.
        { "4.1b", """
            Tensor QkCircuits(Tensor W_Q, Tensor W_K, int heads)
            {
                int dModel = W_Q.Dim(0);
                if (heads <= 0 || W_Q.Dim(1) % heads != 0) throw new ArgumentException("heads");
                int dK = W_Q.Dim(1) / heads;
                var M = new Tensor(heads, dModel, dModel);
                for (int a = 0; a < heads; a++)
                    for (int r = 0; r < dModel; r++)
                        for (int c = 0; c < dModel; c++)
                            for (int e = a * dK; e < (a + 1) * dK; e++)
                                M[a, r, c] += W_Q[r, e] * W_K[c, e];
                return M;
            }
            """, [false, false, false, true, true] },
        // The scale forgotten: softmax(Q Kᵀ) is sharper than the head's weights.
        { "4.2a", """
            Tensor HeadWeights(Tensor Q, Tensor K)
            {
                int N = Q.Dim(0), S = K.Dim(0);
                var weights = new Tensor(N, S);
                for (int i = 0; i < N; i++)
                {
                    Span<float> row = weights.Row(i);
                    for (int j = 0; j < S; j++) row[j] = TensorPrimitives.Dot(Q.Row(i), K.Row(j));
                    TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
                    TensorPrimitives.Exp(row, row);
                    TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
                }
                return weights;
            }
            """, [false, false, true, true] },
        // Every head used head 0's keys and values: right only where there is one head.
        { "4.2b", """
            Tensor AllHeadOutputs(Tensor Q, Tensor K, Tensor V)
            {
                int B = Q.Dim(0), h = Q.Dim(1), N = Q.Dim(2), dK = Q.Dim(3), S = K.Dim(2), dV = V.Dim(3);
                var O = new Tensor(B, h, N, dV);
                var w = new float[S];
                for (int b = 0; b < B; b++)
                    for (int head = 0; head < h; head++)
                        for (int i = 0; i < N; i++)
                        {
                            for (int j = 0; j < S; j++) w[j] = TensorPrimitives.Dot(Q.Row(b, head, i), K.Row(b, 0, j)) / MathF.Sqrt(dK);
                            TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                            TensorPrimitives.Exp(w, w);
                            TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                            for (int j = 0; j < S; j++) TensorPrimitives.MultiplyAdd(V.Row(b, 0, j), w[j], O.Row(b, head, i), O.Row(b, head, i));
                        }
                return O;
            }
            """, [false, false, true] },
        // Every head multiplied by the first d_v rows of W_O: right only with one head.
        { "4.3a", """
            Tensor HeadContributions(Tensor headOutputs, Tensor W_O)
            {
                int B = headOutputs.Dim(0), h = headOutputs.Dim(1), n = headOutputs.Dim(2), dV = headOutputs.Dim(3), dModel = W_O.Dim(1);
                if (W_O.Dim(0) != h * dV) throw new ArgumentException("W_O");
                var parts = new Tensor(h, B, n, dModel);
                for (int a = 0; a < h; a++)
                    for (int b = 0; b < B; b++)
                        for (int i = 0; i < n; i++)
                            for (int e = 0; e < dV; e++)
                                TensorPrimitives.MultiplyAdd(W_O.Row(e), headOutputs[b, a, i, e], parts.Row(a, b, i), parts.Row(a, b, i));
                return parts;
            }
            """, [false, false, true, true] },
        // The whole W_V W_O for every head: the heads' circuits summed, right only with one head.
        { "4.3b", """
            Tensor OvCircuits(Tensor W_V, Tensor W_O, int heads)
            {
                int d = W_V.Dim(0);
                if (heads <= 0 || W_V.Dim(1) % heads != 0) throw new ArgumentException("heads");
                Tensor all = W_V.MatMul(W_O);
                var M = new Tensor(heads, d, W_O.Dim(1));
                for (int a = 0; a < heads; a++) all.Data.CopyTo(M.Data.AsSpan(a * d * W_O.Dim(1)));
                return M;
            }
            """, [false, false, true, true] },
        // Query i taken to sit at position i (top-left): right only when L = S.
        { "4.4a", """
            double PreviousTokenScore(Tensor weights)
            {
                int L = weights.Dim(-2), S = weights.Dim(-1), m = weights.Length / (L * S);
                double sum = 0; int count = 0;
                for (int k = 0; k < m; k++)
                    for (int i = 1; i < L; i++) { sum += weights.Data[(k * L * S) + (i * S) + i - 1]; count++; }
                return sum / count;
            }
            """, [true, true, true, false] },
        // Diagonals counted from the top-left: right only when L = S.
        { "4.4b", """
            int[] DominantOffsets(Tensor weights)
            {
                int H = weights.Dim(0), L = weights.Dim(1), S = weights.Dim(2);
                var best = new int[H];
                for (int h = 0; h < H; h++)
                {
                    double top = double.NegativeInfinity;
                    for (int delta = 0; delta < S; delta++)
                    {
                        double sum = 0; int count = 0;
                        for (int i = delta; i < L; i++) { sum += weights[h, i, i - delta]; count++; }
                        if (count > 0 && sum / count > top) { top = sum / count; best[h] = delta; }
                    }
                }
                return best;
            }
            """, [true, true, false, true] },
        // One KV head per device, as if shards and groups lined up: wrong whenever a device needs more or fewer.
        { "4.5a", """
            int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device)
            {
                if (nHeads % nKvHeads != 0 || nHeads % devices != 0) throw new ArgumentException("split");
                return [device * nKvHeads / devices];
            }
            """, [false, true, false, false, true] },
        // Every layer counted as global: the sliding layers' cache taken to grow forever.
        { "4.5b", """
            long MaxContextTokens(long budgetBytes, int batch, int layers, int slidingLayers, int window, int kvHeads, int headDim, int bytesPerValue)
            {
                if (slidingLayers > layers || batch <= 0) throw new ArgumentException("config");
                return budgetBytes / (2L * layers * kvHeads * headDim * bytesPerValue * batch);
            }
            """, [true, true, false, true, false, true, true] },
        // The first head of each group kept instead of the group's mean: right only when groups have one head.
        { "4.5c", """
            Tensor MeanPoolKvHeads(Tensor W_K, int nHeads, int nKvHeads)
            {
                int d = W_K.Dim(0), dK = W_K.Dim(1) / nHeads, group = nHeads / nKvHeads;
                if (nHeads % nKvHeads != 0) throw new ArgumentException("groups");
                var pooled = new Tensor(d, nKvHeads * dK);
                for (int r = 0; r < d; r++)
                    for (int g = 0; g < nKvHeads; g++)
                        W_K.Row(r).Slice(g * group * dK, dK).CopyTo(pooled.Row(r).Slice(g * dK, dK));
                return pooled;
            }
            """, [false, false, true, true] },
        // A same-token head that reads the token only: its own key ties with every earlier copy, so it reads itself.
        { "4.5d", """
            Tensor PackedMqa(int[] tokens, int vocab, int dK)
            {
                int n = tokens.Length;
                var t = new Tensor(3, n, dK);
                float gain = 10 * MathF.Sqrt(dK), tokenGain = vocab > 1 ? gain / (1 - MathF.Cos(2 * MathF.PI / vocab)) : gain;
                for (int j = 0; j < n; j++)
                {
                    float theta = 2 * MathF.PI * tokens[j] / vocab;
                    (t[0, j, 0], t[0, j, 1], t[0, j, 2], t[0, j, 3]) = (j, j * j, MathF.Cos(theta), MathF.Sin(theta));
                    (t[1, j, 0], t[1, j, 1]) = (gain * 2 * (j - 1), -gain);
                    (t[2, j, 2], t[2, j, 3]) = (tokenGain * MathF.Cos(theta), tokenGain * MathF.Sin(theta));
                }
                return t;
            }
            """, [false, false, false, false, false] },
        // Causal only: tokens see the end of the previous document.
        { "5.1a", """
            Tensor PackedCausalMask(int[] documentLengths, int queries)
            {
                int S = documentLengths.Sum();
                if (queries < 1 || queries > S) throw new ArgumentException("queries");
                var mask = new Tensor(queries, S);
                for (int i = 0; i < queries; i++)
                    for (int j = 0; j <= i + S - queries; j++) mask[i, j] = 1;
                return mask;
            }
            """, [true, false, false, false, true] },
        // Documents right, but the chunk's rows taken as the first positions (top-left).
        { "5.1a", """
            Tensor PackedCausalMask(int[] documentLengths, int queries)
            {
                int S = documentLengths.Sum();
                if (queries < 1 || queries > S) throw new ArgumentException("queries");
                var doc = new int[S];
                for (int d = 0, p = 0; d < documentLengths.Length; d++) for (int t = 0; t < documentLengths[d]; t++) doc[p++] = d;
                var mask = new Tensor(queries, S);
                for (int i = 0; i < queries; i++)
                    for (int j = 0; j <= i; j++) mask[i, j] = doc[j] == doc[i] ? 1 : 0;
                return mask;
            }
            """, [true, true, false, false, true] },
        // Every slot of the buffer attended, leftovers included: right only once the buffer is full.
        { "5.2b", """
            Tensor WindowDecodeStep(Tensor Kbuf, Tensor Vbuf, int position, Tensor q, Tensor k, Tensor v)
            {
                int B = q.Dim(0), H = q.Dim(1), W = Kbuf.Dim(2), d = q.Dim(3);
                var O = new Tensor(B, H, 1, d);
                for (int b = 0; b < B; b++)
                    for (int h = 0; h < H; h++)
                    {
                        k.Row(b, h, 0).CopyTo(Kbuf.Row(b, h, position % W));
                        v.Row(b, h, 0).CopyTo(Vbuf.Row(b, h, position % W));
                        var w = new float[W];
                        for (int s = 0; s < W; s++) w[s] = TensorPrimitives.Dot(q.Row(b, h, 0), Kbuf.Row(b, h, s)) / MathF.Sqrt(d);
                        TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                        TensorPrimitives.Exp(w, w);
                        TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                        for (int s = 0; s < W; s++) TensorPrimitives.MultiplyAdd(Vbuf.Row(b, h, s), w[s], O.Row(b, h, 0), O.Row(b, h, 0));
                    }
                return O;
            }
            """, [false, false, true, true, true] },
        // The right output, but the new k, v written into a copy: the caller's buffer never learns the token.
        { "5.2b", """
            Tensor WindowDecodeStep(Tensor Kbuf, Tensor Vbuf, int position, Tensor q, Tensor k, Tensor v)
            {
                int B = q.Dim(0), H = q.Dim(1), W = Kbuf.Dim(2), d = q.Dim(3);
                Tensor Kc = Kbuf.Clone(), Vc = Vbuf.Clone();
                int first = Math.Max(0, position - W + 1);
                var O = new Tensor(B, H, 1, d);
                for (int b = 0; b < B; b++)
                    for (int h = 0; h < H; h++)
                    {
                        k.Row(b, h, 0).CopyTo(Kc.Row(b, h, position % W));
                        v.Row(b, h, 0).CopyTo(Vc.Row(b, h, position % W));
                        var w = new float[position - first + 1];
                        for (int p = first; p <= position; p++) w[p - first] = TensorPrimitives.Dot(q.Row(b, h, 0), Kc.Row(b, h, p % W)) / MathF.Sqrt(d);
                        TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                        TensorPrimitives.Exp(w, w);
                        TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                        for (int p = first; p <= position; p++) TensorPrimitives.MultiplyAdd(Vc.Row(b, h, p % W), w[p - first], O.Row(b, h, 0), O.Row(b, h, 0));
                    }
                return O;
            }
            """, [false, false, false, false, false] },
        // Softmax over an all-masked row: −∞ − (−∞) is NaN where a padding query sees nothing.
        { "5.1b", """
            Tensor MaskedWeights(Tensor scores, int[] lengths)
            {
                int B = scores.Dim(0), n = scores.Dim(1);
                var w = new Tensor(B, n, n);
                for (int b = 0; b < B; b++)
                    for (int i = 0; i < n; i++)
                    {
                        Span<float> row = w.Row(b, i);
                        for (int j = 0; j < n; j++) row[j] = j <= i && j >= n - lengths[b] ? scores[b, i, j] : float.NegativeInfinity;
                        TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
                        TensorPrimitives.Exp(row, row);
                        TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
                    }
                return w;
            }
            """, [true, false, false, false] },
        // The new tokens see each other without a causal mask: right only for one new token.
        { "5.2a", """
            Tensor DecodeStep(Tensor Kcache, Tensor Vcache, Tensor q, Tensor k, Tensor v)
            {
                int B = q.Dim(0), H = q.Dim(1), T = q.Dim(2), d = q.Dim(3), S = Kcache.Dim(2);
                var O = new Tensor(B, H, T, v.Dim(3));
                var w = new float[S + T];
                for (int b = 0; b < B; b++)
                    for (int h = 0; h < H; h++)
                        for (int t = 0; t < T; t++)
                        {
                            for (int j = 0; j < S + T; j++)
                                w[j] = TensorPrimitives.Dot(q.Row(b, h, t), j < S ? Kcache.Row(b, h, j) : k.Row(b, h, j - S)) / MathF.Sqrt(d);
                            TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                            TensorPrimitives.Exp(w, w);
                            TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                            for (int j = 0; j < S + T; j++)
                                TensorPrimitives.MultiplyAdd(j < S ? Vcache.Row(b, h, j) : v.Row(b, h, j - S), w[j], O.Row(b, h, t), O.Row(b, h, t));
                        }
                return O;
            }
            """, [true, true, false, false] },
        // Rotate-half pairs (i, i + d/2), as GPT-NeoX does, where the exercise asks for interleaved pairs: still relative.
        { "5.4a", """
            Tensor Rotate(Tensor x, int[] positions)
            {
                int n = x.Dim(0), d = x.Dim(1);
                var y = new Tensor(n, d);
                for (int r = 0; r < n; r++)
                    for (int i = 0; i < d / 2; i++)
                    {
                        double angle = positions[r] * Math.Pow(10000, -2.0 * i / d);
                        float a = x[r, i], b = x[r, i + (d / 2)], c = (float)Math.Cos(angle), s = (float)Math.Sin(angle);
                        y[r, i] = (a * c) - (b * s);
                        y[r, i + (d / 2)] = (a * s) + (b * c);
                    }
                return y;
            }
            """, [false, false, false, true] },
        // Padding attended like memory: right only where a memory has no padding.
        { "5.5a", """
            Tensor CrossAttend(Tensor Q, Tensor Kmem, Tensor Vmem, int[] memoryLengths)
            {
                int B = Q.Dim(0), H = Q.Dim(1), Lq = Q.Dim(2), d = Q.Dim(3), Lm = Kmem.Dim(2);
                var O = new Tensor(B, H, Lq, Vmem.Dim(3));
                var w = new float[Lm];
                for (int b = 0; b < B; b++)
                    for (int h = 0; h < H; h++)
                        for (int i = 0; i < Lq; i++)
                        {
                            for (int j = 0; j < Lm; j++) w[j] = TensorPrimitives.Dot(Q.Row(b, h, i), Kmem.Row(b, h, j)) / MathF.Sqrt(d);
                            TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                            TensorPrimitives.Exp(w, w);
                            TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                            for (int j = 0; j < Lm; j++) TensorPrimitives.MultiplyAdd(Vmem.Row(b, h, j), w[j], O.Row(b, h, i), O.Row(b, h, i));
                        }
                return O;
            }
            """, [false, true, false] },
        // Step s reads promptTokens + s − 1 tokens: the new token's own K and V forgotten.
        { "5.3a", """
            long GenerationKvReads(int layers, int kvHeads, int headDim, int bytesPerValue, long promptTokens, long newTokens, long window)
            {
                long total = 0;
                for (long s = 1; s <= newTokens; s++)
                {
                    long context = promptTokens + s - 1;
                    total += (window > 0 ? Math.Min(context, window) : context) * 2L * layers * kvHeads * headDim * bytesPerValue;
                }
                return total;
            }
            """, [true, false, false, false, false, false] },
        // The window ignored: every step reads the whole context.
        { "5.3a", """
            long GenerationKvReads(int layers, int kvHeads, int headDim, int bytesPerValue, long promptTokens, long newTokens, long window)
            {
                long total = 0;
                for (long s = 1; s <= newTokens; s++) total += (promptTokens + s) * 2L * layers * kvHeads * headDim * bytesPerValue;
                return total;
            }
            """, [true, true, true, true, false, true] },
        // The window measured from the row index, not the query's position: right only when L = S.
        { "5.4b", """
            Tensor AlibiWindowBias(int heads, int queries, int keys, int window)
            {
                if (window < 1) throw new ArgumentException("window");
                double[] P(int n) => Enumerable.Range(1, n).Select(a => Math.Pow(2, -8.0 * a / n)).ToArray();
                int p = 1; while (p * 2 <= heads) p *= 2;
                double[] m = p == heads ? P(heads) : [.. P(p), .. P(2 * p).Where((_, a) => a % 2 == 0).Take(heads - p)];
                var bias = new Tensor(heads, queries, keys);
                for (int a = 0; a < heads; a++)
                    for (int i = 0; i < queries; i++)
                        for (int j = 0; j < keys; j++)
                            bias[a, i, j] = i - j >= 0 && i - j < window ? (float)(-m[a] * (i - j)) : float.NegativeInfinity;
                return bias;
            }
            """, [true, false, false, true, true] },
        // A binary search that assumes the intensity grows with L all the way to S.
        { "5.3b", """
            long ChunkForRidge(long keys, int heads, int kvHeads, int headDim, int bytesPerValue, double ridge)
            {
                double I(long L) => 4.0 * heads * headDim * ((L * (double)(keys - L)) + (L * (L + 1) / 2.0))
                    / (((2.0 * L * heads * headDim) + (2.0 * keys * kvHeads * headDim)) * bytesPerValue);
                if (I(keys) < ridge) return -1;
                long lo = 1, hi = keys;
                while (lo < hi) { long mid = (lo + hi) / 2; if (I(mid) >= ridge) hi = mid; else lo = mid + 1; }
                return lo;
            }
            """, [true, true, true, true, true, true, false] },
        // K and V read once per query head: right only without GQA.
        { "5.3b", """
            long ChunkForRidge(long keys, int heads, int kvHeads, int headDim, int bytesPerValue, double ridge)
            {
                for (long L = 1; L <= keys; L++)
                {
                    double flops = 4.0 * heads * headDim * ((L * (double)(keys - L)) + (L * (L + 1) / 2.0));
                    double bytes = ((2.0 * L * heads * headDim) + (2.0 * keys * heads * headDim)) * bytesPerValue;
                    if (flops / bytes >= ridge) return L;
                }
                return -1;
            }
            """, [false, false, true, false, true, true, false] },
        // Scaled by 1/√d_model instead of 1/√d_k: right only with one head.
        { "5.5b", """
            Tensor CrossAttentionLayer(Tensor X, Tensor memory, Tensor W_Q, Tensor W_K, Tensor W_V, Tensor W_O, int heads)
            {
                int B = X.Dim(0), Lq = X.Dim(1), Lm = memory.Dim(1), dModel = W_Q.Dim(1), dk = dModel / heads;
                Tensor Q = Linear.Forward(X, W_Q), K = Linear.Forward(memory, W_K), V = Linear.Forward(memory, W_V);
                var merged = new Tensor(B, Lq, dModel);
                var w = new float[Lm];
                for (int b = 0; b < B; b++)
                    for (int a = 0; a < heads; a++)
                        for (int i = 0; i < Lq; i++)
                        {
                            for (int j = 0; j < Lm; j++) w[j] = TensorPrimitives.Dot(Q.Row(b, i).Slice(a * dk, dk), K.Row(b, j).Slice(a * dk, dk)) / MathF.Sqrt(dModel);
                            TensorPrimitives.Subtract(w, TensorPrimitives.Max(w), w);
                            TensorPrimitives.Exp(w, w);
                            TensorPrimitives.Divide(w, TensorPrimitives.Sum(w), w);
                            for (int j = 0; j < Lm; j++) TensorPrimitives.MultiplyAdd(V.Row(b, j).Slice(a * dk, dk), w[j], merged.Row(b, i).Slice(a * dk, dk), merged.Row(b, i).Slice(a * dk, dk));
                        }
                return Linear.Forward(merged, W_O);
            }
            """, [false, false, false, true] },
        // Top-left alignment: right only when L = S.
        { "6.1a", """
            long VisiblePairs(long queries, long keys, bool causal, long window)
            {
                if (!causal) return queries * keys;
                long total = 0;
                for (long i = 0; i < queries; i++) total += window > 0 ? Math.Min(i + 1, window) : i + 1;
                return total;
            }
            """, [true, true, true, false, false, true, true, true] },
        // A log-log fit taken for the answer: it says how fast the cost grows, not where the parts cross.
        { "6.1b", """
            double CrossoverLength(double[] N, double[] cost)
            {
                double[] x = [.. N.Select(v => Math.Log(v))], y = [.. cost.Select(v => Math.Log(v))];
                double xm = x.Average(), ym = y.Average();
                double k = x.Zip(y).Sum(p => (p.First - xm) * (p.Second - ym)) / x.Sum(v => (v - xm) * (v - xm));
                return Math.Exp(ym - (k * xm));
            }
            """, [false, false, false, false] },
        // Strides assigned in stored order instead of to the logical axes: right only when the order is the identity.
        { "6.2a", """
            long[] LayoutStrides(int[] shape, int[] order)
            {
                if (order.Distinct().Count() != shape.Length) throw new ArgumentException("order");
                var strides = new long[shape.Length];
                long inside = 1;
                for (int k = order.Length - 1; k >= 0; k--) { strides[k] = inside; inside *= shape[order[k]]; }
                return strides;
            }
            """, [true, false, false, false, false, true] },
        // K and V read once, as if they stayed on chip: right only when one block holds every query.
        { "6.2b", """
            long[] FlashTrafficBytes(int B, int H, int N, int d, int bytesPerValue, int blockRows)
            {
                if (blockRows < 1) throw new ArgumentException("blockRows");
                long perHead = (long)N * d * B * H * bytesPerValue;
                return [3 * perHead, perHead];
            }
            """, [false, false, false, false, true, true] },
        // The number of blocks rounded down: the short last block forgotten.
        { "6.2b", """
            long[] FlashTrafficBytes(int B, int H, int N, int d, int bytesPerValue, int blockRows)
            {
                if (blockRows < 1) throw new ArgumentException("blockRows");
                long perHead = (long)N * d * B * H * bytesPerValue, blocks = Math.Max(1, N / blockRows);
                return [perHead + (2 * blocks * perHead), perHead];
            }
            """, [true, true, true, false, true, true] },
        // No guard for a row that has still seen nothing: e^(−∞ − (−∞)) = NaN.
        { "6.3a", """
            double[] TileUpdate(double[] state, float[] scores, Tensor Vtile)
            {
                double mNew = Math.Max(state[0], scores.Max());
                double r = Math.Exp(state[0] - mNew);
                var next = new double[state.Length];
                next[0] = mNew; next[1] = state[1] * r;
                for (int e = 2; e < state.Length; e++) next[e] = state[e] * r;
                for (int j = 0; j < scores.Length; j++)
                {
                    double p = Math.Exp(scores[j] - mNew);
                    next[1] += p;
                    for (int e = 2; e < state.Length; e++) next[e] += p * Vtile[j, e - 2];
                }
                return next;
            }
            """, [true, true, true, true, false, true, true, true] },
        // e^lse taken directly: overflows for large scores.
        { "6.3b", """
            Tensor MergePartials(Tensor O1, Tensor lse1, Tensor O2, Tensor lse2)
            {
                var O = new Tensor(O1.Dim(0), O1.Dim(1));
                for (int i = 0; i < O.Dim(0); i++)
                {
                    double a = Math.Exp(lse1[i]), b = Math.Exp(lse2[i]);
                    for (int e = 0; e < O.Dim(1); e++) O[i, e] = (float)((a * O1[i, e] + b * O2[i, e]) / (a + b));
                }
                return O;
            }
            """, [true, true, true, false, true] },
        // The sinks forgotten: only the window's tiles.
        { "6.4a", """
            long TilesComputed(int n, int window, int sinks, int blockRows, int blockCols)
            {
                if (window < 1 || blockRows < 1 || blockCols < 1) throw new ArgumentException("sizes");
                long tiles = 0;
                for (int r0 = 0; r0 < n; r0 += blockRows)
                    for (int c0 = 0; c0 < n; c0 += blockCols)
                    {
                        int r1 = Math.Min(n, r0 + blockRows) - 1, c1 = Math.Min(n, c0 + blockCols) - 1;
                        if (c0 <= r1 && (c1 >= r0 || r0 - c1 < window)) tiles++;
                    }
                return tiles;
            }
            """, [true, true, false, false, true, true] },
        // No residual: a position forgets itself when the mask has no diagonal.
        { "6.4b", """
            Tensor Reach(Tensor mask, int layers)
            {
                int n = mask.Dim(0);
                Tensor reach = mask.Clone();
                for (int l = 1; l < layers; l++)
                {
                    var next = new Tensor(n, n);
                    for (int i = 0; i < n; i++)
                        for (int k = 0; k < n; k++)
                            for (int j = 0; j < n; j++)
                                if (mask[i, k] != 0 && reach[k, j] != 0) next[i, j] = 1;
                    reach = next;
                }
                return reach;
            }
            """, [true, true, false, true, true] },
        // Bits instead of nats.
        { "6.5a", """
            Tensor RowEntropy(Tensor weights)
            {
                int B = weights.Dim(0), H = weights.Dim(1), L = weights.Dim(2);
                var entropy = new Tensor(B, H, L);
                for (int b = 0; b < B; b++)
                    for (int h = 0; h < H; h++)
                        for (int i = 0; i < L; i++)
                            foreach (float w in weights.Row(b, h, i))
                                if (w > 0) entropy[b, h, i] -= (float)(w * Math.Log2(w));
                return entropy;
            }
            """, [false, true, false, false, false] },
        // Zero ablation instead of mean ablation.
        { "6.5b", """
            double[] AblationEffects(Tensor headOutputs, Tensor W_O)
            {
                int B = headOutputs.Dim(0), H = headOutputs.Dim(1), N = headOutputs.Dim(2), dv = headOutputs.Dim(3);
                Tensor Project(Tensor heads)
                {
                    var merged = new Tensor(B, N, H * dv);
                    for (int b = 0; b < B; b++)
                        for (int a = 0; a < H; a++)
                            for (int n = 0; n < N; n++)
                                heads.Row(b, a, n).CopyTo(merged.Row(b, n).Slice(a * dv, dv));
                    return Linear.Forward(merged, W_O);
                }
                Tensor Y = Project(headOutputs);
                double norm = Math.Sqrt(Y.Data.Sum(v => (double)v * v));
                var effects = new double[H];
                for (int a = 0; a < H; a++)
                {
                    Tensor ablated = headOutputs.Clone();
                    for (int b = 0; b < B; b++)
                        for (int n = 0; n < N; n++)
                            ablated.Row(b, a, n).Clear();
                    Tensor Ya = Project(ablated);
                    effects[a] = Math.Sqrt(Y.Data.Zip(Ya.Data, (x, y) => (double)(x - y) * (x - y)).Sum()) / norm;
                }
                return effects;
            }
            """, [false, false, false, false] },
        // Absorbed scores counted over the head's d_h + d_R, as if absorption kept the keys' width: right only when d_c = d_h.
        { "7.1a", """
            long[] LatentDecodeMultiplyAdds(int heads, int headDim, int latentDim, int ropeDim, int cachedTokens)
            {
                if (heads < 1 || headDim < 1 || latentDim < 1 || ropeDim < 0 || cachedTokens < 1) throw new ArgumentException("sizes");
                long h = heads, dh = headDim, dc = latentDim, dR = ropeDim, n = cachedTokens;
                long explicitForm = (2 * n * dc * h * dh) + (h * n * (dh + dR)) + (h * n * dh);
                long absorbedForm = (2 * h * dh * dc) + (h * n * (dh + dR)) + (h * n * dh);
                return [explicitForm, absorbedForm];
            }
            """, [true, false, false, false, true] },
        // R(m − n) instead of R(n − m): the query's rotation put on the key side, right only at delta = 0.
        { "7.1b", """
            Tensor RotatedKeyProjection(Tensor WUk, int delta)
            {
                if (WUk.Rank != 2 || WUk.Dim(1) % 2 != 0) throw new ArgumentException("WUk");
                int dc = WUk.Dim(0), dh = WUk.Dim(1), half = dh / 2;
                var A = WUk.Clone();
                for (int i = 0; i < half; i++)
                {
                    double angle = -delta * Math.Pow(10000, -2.0 * i / dh);
                    for (int r = 0; r < dc; r++)
                    {
                        float a = WUk[r, i], b = WUk[r, i + half];
                        A[r, i] = (float)((a * Math.Cos(angle)) - (b * Math.Sin(angle)));
                        A[r, i + half] = (float)((a * Math.Sin(angle)) + (b * Math.Cos(angle)));
                    }
                }
                return A;
            }
            """, [true, false, false, false, true] },
        // The window must hold the earlier copy of the current token itself: the key after it, which carries it, is forgotten.
        { "7.2a", """
            int[] PositionsPredictableThroughCache(int length, int period, int sinks, int window)
            {
                if (length < 1 || period < 1 || sinks < 0 || window < 1) throw new ArgumentException("sizes");
                var found = new List<int>();
                for (int p = 0; p + 1 < length; p++)
                    for (int j = p; j >= 1; j--)
                        if ((j - 1) % period == p % period && (j - 1 < sinks || j - 1 > p - window)) { found.Add(p); break; }
                return found.ToArray();
            }
            """, [false, true, false, false, true, true] },
        // Re-computation counted like a window cache: one row of dot products per new token instead of the window's whole triangle.
        { "7.2b", """
            long[] StreamingDotProducts(int length, int sinks, int window)
            {
                if (length < 1 || sinks < 0 || window < 1) throw new ArgumentException("sizes");
                long dense = 0, windowed = 0, streaming = 0;
                for (long p = 0; p < length; p++)
                {
                    dense += p + 1;
                    windowed += Math.Min(p + 1, window);
                    streaming += Math.Min(p + 1, (long)sinks + window);
                }
                return [dense, windowed, windowed, streaming];
            }
            """, [false, false, true, false, true] },
        // No full-turn rule: a pair that went all the way round in training is still called out of distribution.
        { "7.3a", """
            int[] UnseenAnglePairs(double[] trainedFrequencies, double[] usedFrequencies, int trainedContext, int targetLength)
            {
                if (trainedFrequencies.Length == 0 || trainedFrequencies.Length != usedFrequencies.Length || trainedContext < 1 || targetLength < 1)
                    throw new ArgumentException("sizes");
                return Enumerable.Range(0, trainedFrequencies.Length)
                    .Where(i => (targetLength - 1) * usedFrequencies[i] > (trainedContext - 1) * trainedFrequencies[i]).ToArray();
            }
            """, [false, true, false, false, false, true] },
        // The slopes 2^(−8k/n) for every head count: the paper's rule for counts that are not a power of two is skipped.
        { "7.3b", """
            int[] AlibiReach(int heads, double logitSpread, double epsilon)
            {
                if (heads < 1 || !(logitSpread >= 0) || !(epsilon > 0) || epsilon > 1) throw new ArgumentException("sizes");
                return Enumerable.Range(1, heads).Select(k => (int)Math.Floor((logitSpread - Math.Log(epsilon)) / Math.Pow(2, -8.0 * k / heads))).ToArray();
            }
            """, [true, true, false, true, false, true] },
        // No copy-on-write: the prompt's last block counted once, as if the samples could all write into it.
        { "7.4a", """
            long BlocksForParallelSampling(int promptTokens, int samples, int generatedTokens, int blockSize)
            {
                if (promptTokens < 1 || samples < 1 || generatedTokens < 0 || blockSize < 1) throw new ArgumentException("sizes");
                long promptBlocks = (promptTokens + blockSize - 1) / blockSize;
                long free = promptBlocks * blockSize - promptTokens;
                long extra = Math.Max(0, generatedTokens - free);
                return promptBlocks + (samples * ((extra + blockSize - 1) / blockSize));
            }
            """, [true, true, false, true, false, true] },
        // The window counted in slots with the pad slots in it: a shorter prompt's padding is visible.
        { "7.4b", """
            Tensor PaddedWindowMask(int[] promptLengths, int generated, int window)
            {
                if (window < 1 || generated < 0 || promptLengths.Any(n => n < 1)) throw new ArgumentException("sizes");
                int B = promptLengths.Length, S = promptLengths.Max() + generated + 1;
                var mask = new Tensor(B, S);
                for (int b = 0; b < B; b++)
                    for (int s = Math.Max(0, S - window); s < S; s++) mask[b, s] = 1;
                return mask;
            }
            """, [true, false, true, false, true] },
        // The gradient with respect to a logit taken as P ⊙ dP, without subtracting D: the softmax's row constraint forgotten.
        { "7.5a", """
            double[] AlibiSlopeGradients(Tensor Q, Tensor K, Tensor V, double[] slopes, Tensor dO)
            {
                int H = Q.Dim(0), L = Q.Dim(1), d = Q.Dim(2), S = K.Dim(1), dv = V.Dim(2);
                if (slopes.Length != H) throw new ArgumentException("slopes");
                var gradient = new double[H];
                for (int h = 0; h < H; h++)
                    for (int i = 0; i < L; i++)
                    {
                        int position = i + S - L;
                        double[] logits = new double[position + 1];
                        for (int j = 0; j <= position; j++)
                        {
                            double dot = 0;
                            for (int e = 0; e < d; e++) dot += Q[h, i, e] * K[h, j, e];
                            logits[j] = (dot / Math.Sqrt(d)) - (slopes[h] * (position - j));
                        }
                        double max = logits.Max(), total = logits.Sum(l => Math.Exp(l - max));
                        for (int j = 0; j <= position; j++)
                        {
                            double p = Math.Exp(logits[j] - max) / total, dP = 0;
                            for (int e = 0; e < dv; e++) dP += dO[h, i, e] * V[h, j, e];
                            gradient[h] -= p * dP * (position - j);
                        }
                    }
                return gradient;
            }
            """, [true, false, false, false, true] },
        // The readers' contributions averaged instead of summed: right only when each KV head has one reader (MHA).
        { "7.5b", """
            Tensor GroupedKvGradients(Tensor Q, Tensor K, Tensor V, Tensor dO)
            {
                int Hq = Q.Dim(0), L = Q.Dim(1), d = Q.Dim(2), H = K.Dim(0), S = K.Dim(1), dv = V.Dim(2);
                if (H == 0 || Hq % H != 0) throw new ArgumentException("heads");
                int group = Hq / H;
                var grads = new Tensor(H, S, d + dv);
                double scale = 1 / Math.Sqrt(d);
                for (int h = 0; h < Hq; h++)
                    for (int i = 0; i < L; i++)
                    {
                        int kv = h / group;
                        double[] logits = new double[S];
                        for (int j = 0; j < S; j++) for (int e = 0; e < d; e++) logits[j] += Q[h, i, e] * K[kv, j, e] * scale;
                        double max = logits.Max(), total = logits.Sum(l => Math.Exp(l - max));
                        double[] p = logits.Select(l => Math.Exp(l - max) / total).ToArray();
                        double[] dP = new double[S];
                        double D = 0;
                        for (int j = 0; j < S; j++) { for (int e = 0; e < dv; e++) dP[j] += dO[h, i, e] * V[kv, j, e]; D += p[j] * dP[j]; }
                        for (int j = 0; j < S; j++)
                        {
                            for (int e = 0; e < d; e++) grads[kv, j, e] += (float)(p[j] * (dP[j] - D) * scale * Q[h, i, e] / group);
                            for (int e = 0; e < dv; e++) grads[kv, j, d + e] += (float)(p[j] * dO[h, i, e] / group);
                        }
                    }
                return grads;
            }
            """, [true, false, false, false, true] },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_common_mistake_loses_the_cases_that_target_it(string id, string code, bool[] passes)
    {
        Exercise exercise = Exercises.Get(id);
        (ExerciseReport report, string printed) = ExerciseTests.Check(exercise, ExerciseCells.Cell(Exercises.Get(id), code));

        Assert.True(passes.SequenceEqual(report.Cases.Select(c => c.Passed)), printed);
        Assert.True(report.Score < exercise.Points, printed);

        // The hidden case the grader adds (two seeds: an edge case among its configurations must catch the mistake).
        Delegate mistake = HiddenCaseTests.Compile(exercise, code);
        foreach (int seed in (int[])[3, 4])
        {
            GradedCase hidden = HiddenCases.For(exercise, seed)!;
            CaseResult result = hidden.Judge([.. hidden.Calls().Select(a => CallOutcome.Invoke(mistake, a))]);
            Assert.False(result.Passed, $"{id}: the mistake passes the hidden case of seed {seed}");
            var graded = new ExerciseReport(exercise, [.. report.Cases, result]);
            Assert.True(graded.Score <= exercise.Points / 3, $"{id}: a named mistake earns {graded.Score} of {exercise.Points} points in the grader");
        }
    }
}
