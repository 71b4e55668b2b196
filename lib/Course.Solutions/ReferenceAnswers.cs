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
            int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
            {
                int groupSize = nHeads / nKvHeads;
                return queryHead / groupSize;
            }
            """,
        ["4.5b"] =
            """
            long KvCacheBytes(int layers, int kvHeads, int headDim, long tokens, int bytesPerValue)
            {
                // K and V for every layer and KV head; multiply in long: real caches pass 2³¹ bytes.
                long bytesPerToken = 2L * layers * kvHeads * headDim * bytesPerValue;
                return bytesPerToken * tokens;
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
            Tensor RepeatKv(Tensor kv, int nRep)
            {
                int B = kv.Dim(0), H = kv.Dim(1), S = kv.Dim(2), d = kv.Dim(3);
                var repeated = new Tensor(B, H * nRep, S, d);
                for (int b = 0; b < B; b++)
                {
                    for (int h = 0; h < H * nRep; h++)
                    {
                        for (int j = 0; j < S; j++)
                        {
                            kv.Row(b, h / nRep, j).CopyTo(repeated.Row(b, h, j));
                        }
                    }
                }

                return repeated;
            }
            """,
        ["4.1a"] =
            """
            Tensor SplitHeads(Tensor X, int heads)
            {
                int B = X.Dim(0), N = X.Dim(1), dModel = X.Dim(2);
                if (heads <= 0 || dModel % heads != 0)
                {
                    throw new ArgumentException($"heads ({heads}) must divide d_model ({dModel}).", nameof(heads));
                }

                int headDim = dModel / heads;
                var Xh = new Tensor(B, heads, N, headDim);
                for (int b = 0; b < B; b++)
                {
                    for (int i = 0; i < N; i++)
                    {
                        for (int h = 0; h < heads; h++)
                        {
                            X.Row(b, i).Slice(h * headDim, headDim).CopyTo(Xh.Row(b, h, i));
                        }
                    }
                }

                return Xh;
            }
            """,
        ["4.1b"] =
            """
            Tensor HeadQueries(Tensor X, Tensor W_Q, int heads)
            {
                // Project once with the full W_Q, then split: the same as h separate projections of width d_k.
                Tensor Q = Linear.Forward(X, W_Q);
                int B = Q.Dim(0), N = Q.Dim(1), dK = Q.Dim(2) / heads;
                var Qh = new Tensor(B, heads, N, dK);
                for (int b = 0; b < B; b++)
                {
                    for (int i = 0; i < N; i++)
                    {
                        for (int a = 0; a < heads; a++)
                        {
                            Q.Row(b, i).Slice(a * dK, dK).CopyTo(Qh.Row(b, a, i));
                        }
                    }
                }

                return Qh;
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
            Tensor ZeroAblate(Tensor headOutputs, int head)
            {
                Tensor ablated = headOutputs.Clone(); // never change the caller's tensor
                for (int b = 0; b < ablated.Dim(0); b++)
                {
                    for (int i = 0; i < ablated.Dim(2); i++)
                    {
                        ablated.Row(b, head, i).Clear();
                    }
                }

                return ablated;
            }
            """,
        ["4.3a"] =
            """
            Tensor MergeHeads(Tensor headOutputs)
            {
                int B = headOutputs.Dim(0), h = headOutputs.Dim(1), N = headOutputs.Dim(2), dV = headOutputs.Dim(3);
                var merged = new Tensor(B, N, h * dV);
                for (int b = 0; b < B; b++)
                {
                    for (int head = 0; head < h; head++)
                    {
                        for (int i = 0; i < N; i++)
                        {
                            headOutputs.Row(b, head, i).CopyTo(merged.Row(b, i).Slice(head * dV, dV));
                        }
                    }
                }

                return merged;
            }
            """,
        ["4.3b"] =
            """
            Tensor OutputProjection(Tensor headOutputs, Tensor W_O)
            {
                // Concatenate the heads (4.3a), then one matrix product back to model width.
                int B = headOutputs.Dim(0), h = headOutputs.Dim(1), N = headOutputs.Dim(2), dV = headOutputs.Dim(3);
                var merged = new Tensor(B, N, h * dV);
                for (int b = 0; b < B; b++)
                {
                    for (int a = 0; a < h; a++)
                    {
                        for (int i = 0; i < N; i++)
                        {
                            headOutputs.Row(b, a, i).CopyTo(merged.Row(b, i).Slice(a * dV, dV));
                        }
                    }
                }

                return Linear.Forward(merged, W_O);
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

    private static Dictionary<string, string> Answers => answers ??= new([.. Section4, .. Section5, .. Section6]);

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
