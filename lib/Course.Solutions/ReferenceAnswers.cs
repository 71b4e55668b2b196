namespace Course.Solutions;

/// <summary>
/// The reference answers of the graded exercises, as C# script text (the signature and a body). Instructor-side only:
/// no notebook loads this assembly, and the student release (<c>Course.Authoring release</c>) leaves it out. The grader
/// does not need it to grade (expected values come from the course library); the tests and the sample class use it.
/// </summary>
public static partial class ReferenceAnswers
{
    // Section 4 here; sections 5 and 6 in ReferenceAnswers.Section5.cs and ReferenceAnswers.Section6.cs.
    private static readonly Dictionary<string, string> Section4 = new()
    {
        ["4.5a"] =
            """
            int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device)
            {
                if (nHeads <= 0 || nKvHeads <= 0 || devices <= 0 || nHeads % nKvHeads != 0 || nHeads % devices != 0)
                {
                    throw new ArgumentException($"{nHeads} query heads cannot be split into {nKvHeads} groups and {devices} shards.");
                }

                if (device < 0 || device >= devices)
                {
                    throw new ArgumentOutOfRangeException(nameof(device), $"device {device} of {devices}");
                }

                // The shard's first and last query heads bound the KV groups it touches; a shard can straddle two groups.
                int group = nHeads / nKvHeads, shard = nHeads / devices;
                int first = device * shard / group, last = ((device + 1) * shard - 1) / group;
                var kv = new int[last - first + 1];
                for (int g = first; g <= last; g++)
                {
                    kv[g - first] = g;
                }

                return kv;
            }
            """,
        ["4.5b"] =
            """
            long MaxContextTokens(long budgetBytes, int batch, int layers, int slidingLayers, int window, int kvHeads, int headDim, int bytesPerValue)
            {
                if (budgetBytes < 0 || batch <= 0 || layers <= 0 || slidingLayers < 0 || slidingLayers > layers || window <= 0 || kvHeads <= 0 || headDim <= 0 || bytesPerValue <= 0)
                {
                    throw new ArgumentException("a decoder needs positive sizes and 0 ≤ slidingLayers ≤ layers; the budget cannot be negative.");
                }

                // One token of one sequence in one layer: a K and a V vector per KV head.
                Int128 perLayerToken = (Int128)2 * kvHeads * headDim * bytesPerValue * batch;
                int global = layers - slidingLayers;
                // Up to the window every layer grows; past it only the global layers do.
                Int128 upToWindow = perLayerToken * layers * window;
                if (upToWindow >= budgetBytes)
                {
                    return (long)(budgetBytes / (perLayerToken * layers));
                }

                if (global == 0)
                {
                    return long.MaxValue;
                }

                Int128 past = window + ((budgetBytes - upToWindow) / (perLayerToken * global));
                return past > long.MaxValue ? long.MaxValue : (long)past;
            }
            """,
        ["4.5d"] =
            """
            Tensor PackedMqa(int[] tokens, int vocab, int dK)
            {
                int n = tokens.Length;
                var packed = new Tensor(3, n, dK);
                float gain = 10 * MathF.Sqrt(dK);                      // a margin of 10 after the 1/sqrt(d_k) scale
                // Head [2] prefers earlier keys by gain per position, so its own key loses to any earlier copy of its token;
                // the token term must beat that preference over the whole sequence: the nearest two points of the circle
                // differ in cosine by 1 - cos(2pi/vocab).
                float tokenGain = vocab > 1 ? gain * (n + 1) / (1 - MathF.Cos(2 * MathF.PI / vocab)) : gain;
                for (int j = 0; j < n; j++)
                {
                    float theta = 2 * MathF.PI * tokens[j] / vocab;
                    packed[0, j, 0] = j;                                   // k_j = (j, j^2, cos, sin, 0, ...)
                    packed[0, j, 1] = j * j;
                    packed[0, j, 2] = MathF.Cos(theta);
                    packed[0, j, 3] = MathF.Sin(theta);
                    packed[1, j, 0] = gain * 2 * (j - 1);                  // q_i . k_j = gain ((i-1)^2 - (j-(i-1))^2) + a row constant
                    packed[1, j, 1] = -gain;
                    packed[2, j, 0] = -gain;                               // q_i . k_j = tokenGain cos(theta_j - theta_i) - gain j
                    packed[2, j, 2] = tokenGain * MathF.Cos(theta);
                    packed[2, j, 3] = tokenGain * MathF.Sin(theta);
                }

                return packed;
            }
            """,
        ["4.5c"] =
            """
            Tensor MeanPoolKvHeads(Tensor W_K, int nHeads, int nKvHeads)
            {
                int dModel = W_K.Dim(0), width = W_K.Dim(1);
                if (nHeads <= 0 || nKvHeads <= 0 || nHeads % nKvHeads != 0 || width % nHeads != 0)
                {
                    throw new ArgumentException($"{nHeads} heads of W_K [{dModel}, {width}] cannot be pooled into {nKvHeads} groups.");
                }

                // Group g pools the projections of query heads g·group .. (g+1)·group − 1 (consecutive, as GQA groups them).
                int dK = width / nHeads, group = nHeads / nKvHeads;
                var pooled = new Tensor(dModel, nKvHeads * dK);
                for (int r = 0; r < dModel; r++)
                {
                    for (int g = 0; g < nKvHeads; g++)
                    {
                        for (int e = 0; e < dK; e++)
                        {
                            double sum = 0;
                            for (int a = g * group; a < (g + 1) * group; a++)
                            {
                                sum += W_K[r, (a * dK) + e];
                            }

                            pooled[r, (g * dK) + e] = (float)(sum / group);
                        }
                    }
                }

                return pooled;
            }
            """,
        ["4.1a"] =
            """
            Tensor SplitFusedQkv(Tensor qkv, int heads)
            {
                int B = qkv.Dim(0), n = qkv.Dim(1), width = qkv.Dim(2);
                if (heads <= 0 || width % (3 * heads) != 0)
                {
                    throw new ArgumentException($"a fused width of {width} does not hold 3 equal parts for each of {heads} heads.", nameof(heads));
                }

                int dK = width / (3 * heads);
                var split = new Tensor(3, B, heads, n, dK);
                for (int b = 0; b < B; b++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        for (int a = 0; a < heads; a++)
                        {
                            for (int part = 0; part < 3; part++)
                            {
                                // Head a's block is 3·d_k wide; inside it, queries, then keys, then values.
                                qkv.Row(b, i).Slice(((3 * a) + part) * dK, dK).CopyTo(split.Row(part, b, a, i));
                            }
                        }
                    }
                }

                return split;
            }
            """,
        ["4.1b"] =
            """
            Tensor QkCircuits(Tensor W_Q, Tensor W_K, int heads)
            {
                int dModel = W_Q.Dim(0);
                if (heads <= 0 || W_Q.Dim(1) % heads != 0)
                {
                    throw new ArgumentException($"heads ({heads}) must divide d_model ({W_Q.Dim(1)}).", nameof(heads));
                }

                int dK = W_Q.Dim(1) / heads;
                var M = new Tensor(heads, dModel, dModel);
                for (int a = 0; a < heads; a++)
                {
                    // score_a(x, y) = (x W_Q^a)(y W_K^a)ᵀ / √d_k = x (W_Q^a W_K^aᵀ / √d_k) yᵀ
                    for (int r = 0; r < dModel; r++)
                    {
                        for (int c = 0; c < dModel; c++)
                        {
                            double sum = 0;
                            for (int e = a * dK; e < (a + 1) * dK; e++)
                            {
                                sum += (double)W_Q[r, e] * W_K[c, e];
                            }

                            M[a, r, c] = (float)(sum / Math.Sqrt(dK));
                        }
                    }
                }

                return M;
            }
            """,
        ["4.4a"] =
            """
            double PreviousTokenScore(Tensor weights)
            {
                int L = weights.Dim(-2), S = weights.Dim(-1);
                int offset = S - L; // query i sits at position i + S − L (bottom-right, as in decode)
                int matrices = weights.Length / (L * S);
                Tensor w = weights.Reshape(matrices, L, S);
                double sum = 0;
                int count = 0;
                for (int m = 0; m < matrices; m++)
                {
                    for (int i = 0; i < L; i++)
                    {
                        int p = i + offset;
                        if (p >= 1)
                        {
                            sum += w[m, i, p - 1];
                            count++;
                        }
                    }
                }

                return sum / count;
            }
            """,
        ["4.4b"] =
            """
            int[] DominantOffsets(Tensor weights)
            {
                int H = weights.Dim(0), L = weights.Dim(1), S = weights.Dim(2);
                var best = new int[H];
                for (int h = 0; h < H; h++)
                {
                    double bestMean = double.NegativeInfinity;
                    for (int delta = 0; delta < S; delta++)
                    {
                        // Diagonal delta: query i at position p = i + S − L reads key p − delta, if there is one.
                        double sum = 0;
                        int count = 0;
                        for (int i = 0; i < L; i++)
                        {
                            int j = i + S - L - delta;
                            if (j >= 0)
                            {
                                sum += weights[h, i, j];
                                count++;
                            }
                        }

                        if (count > 0 && sum / count > bestMean)
                        {
                            bestMean = sum / count;
                            best[h] = delta;
                        }
                    }
                }

                return best;
            }
            """,
        ["4.3a"] =
            """
            Tensor HeadContributions(Tensor headOutputs, Tensor W_O)
            {
                int B = headOutputs.Dim(0), h = headOutputs.Dim(1), n = headOutputs.Dim(2), dV = headOutputs.Dim(3), dModel = W_O.Dim(1);
                if (W_O.Dim(0) != h * dV)
                {
                    throw new ArgumentException($"W_O has {W_O.Dim(0)} rows; concat of {h} heads of d_v = {dV} has {h * dV} columns.", nameof(W_O));
                }

                // Y = concat(heads) W_O = Σ_a head_a W_O[a·d_v .. (a+1)·d_v): head a meets only its own d_v rows of W_O.
                var parts = new Tensor(h, B, n, dModel);
                for (int a = 0; a < h; a++)
                {
                    for (int b = 0; b < B; b++)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            Span<float> part = parts.Row(a, b, i);
                            Span<float> head = headOutputs.Row(b, a, i);
                            for (int e = 0; e < dV; e++)
                            {
                                TensorPrimitives.MultiplyAdd(W_O.Row((a * dV) + e), head[e], part, part);
                            }
                        }
                    }
                }

                return parts;
            }
            """,
        ["4.3b"] =
            """
            Tensor OvCircuits(Tensor W_V, Tensor W_O, int heads)
            {
                int dModel = W_V.Dim(0), width = W_V.Dim(1);
                if (heads <= 0 || width % heads != 0)
                {
                    throw new ArgumentException($"heads ({heads}) must divide d_model ({width}).", nameof(heads));
                }

                // All weight on y: head a outputs y W_V^a; the layer adds that times head a's rows of W_O.
                int dV = width / heads;
                var M = new Tensor(heads, dModel, W_O.Dim(1));
                for (int a = 0; a < heads; a++)
                {
                    for (int r = 0; r < dModel; r++)
                    {
                        for (int e = 0; e < dV; e++)
                        {
                            TensorPrimitives.MultiplyAdd(W_O.Row((a * dV) + e), W_V[r, (a * dV) + e], M.Row(a, r), M.Row(a, r));
                        }
                    }
                }

                return M;
            }
            """,
        ["4.2a"] =
            """
            Tensor HeadWeights(Tensor Q, Tensor K)
            {
                int N = Q.Dim(0), S = K.Dim(0), dK = Q.Dim(1);
                float scale = 1f / MathF.Sqrt(dK);
                var weights = new Tensor(N, S);
                for (int i = 0; i < N; i++)
                {
                    Span<float> row = weights.Row(i);
                    for (int j = 0; j < S; j++)
                    {
                        row[j] = scale * TensorPrimitives.Dot(Q.Row(i), K.Row(j));
                    }

                    // Subtract the row max before exp: large logits would overflow to ∞ otherwise.
                    TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
                    TensorPrimitives.Exp(row, row);
                    TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
                }

                return weights;
            }
            """,
        ["4.2b"] =
            """
            Tensor AllHeadOutputs(Tensor Q, Tensor K, Tensor V)
            {
                int B = Q.Dim(0), h = Q.Dim(1), N = Q.Dim(2), dK = Q.Dim(3), S = K.Dim(2), dV = V.Dim(3);
                float scale = 1f / MathF.Sqrt(dK);
                var O = new Tensor(B, h, N, dV);
                var weights = new float[S];
                for (int b = 0; b < B; b++)
                {
                    for (int head = 0; head < h; head++)
                    {
                        for (int i = 0; i < N; i++)
                        {
                            for (int j = 0; j < S; j++)
                            {
                                weights[j] = scale * TensorPrimitives.Dot(Q.Row(b, head, i), K.Row(b, head, j));
                            }

                            TensorPrimitives.Subtract(weights, TensorPrimitives.Max(weights), weights);
                            TensorPrimitives.Exp(weights, weights);
                            TensorPrimitives.Divide(weights, TensorPrimitives.Sum(weights), weights);
                            Span<float> o = O.Row(b, head, i);
                            for (int j = 0; j < S; j++)
                            {
                                TensorPrimitives.MultiplyAdd(V.Row(b, head, j), weights[j], o, o);
                            }
                        }
                    }
                }

                return O;
            }
            """,
    };

    private static Dictionary<string, string> Answers => answers ??= new([.. Section4, .. Section5, .. Section6, .. Section7]);

    private static Dictionary<string, string>? answers;

    /// <summary>The reference answer of exercise <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No reference answer for that id.</exception>
    public static string Code(string id) =>
        Answers.TryGetValue(id, out string? code) ? code.Trim() + "\n" : throw new KeyNotFoundException($"no reference answer for exercise '{id}'.");

    /// <summary>The exercise cell holding the reference answer (for sample submissions and the answered notebooks).</summary>
    public static string Cell(string id) => Course.Grading.ExerciseCells.Cell(Attention.Exercises.Exercises.Get(id), Code(id));

    /// <summary>The ids that have a reference answer.</summary>
    public static IReadOnlyCollection<string> Ids => Answers.Keys;
}
