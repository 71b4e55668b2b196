using Attention;

namespace Grading.Tests;

/// <summary>
/// The graded cases can fail: for each exercise of sections 5.2b–6, a common mistake compiled as a student's cell loses
/// exactly the cases that are there to catch it, and keeps the others.
/// </summary>
[Collection("console")] // Check redirects Console.Out, like ExerciseTests: never in parallel with it.
public class CommonMistakeTests
{
    public static TheoryData<string, string, bool[]> Mistakes => new()
    {
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
        // Step s reads promptTokens + s − 1 tokens: the new token's own K and V forgotten.
        { "5.3a", """
            long GenerationKvReads(int layers, int kvHeads, int headDim, int bytesPerValue, long promptTokens, long newTokens)
            {
                long total = 0;
                for (long s = 1; s <= newTokens; s++) total += (promptTokens + s - 1) * 2L * layers * kvHeads * headDim * bytesPerValue;
                return total;
            }
            """, [true, false, false, false, false] },
        // K and V counted once per query head: right only without GQA.
        { "5.3b", """
            double CoreIntensity(long queries, long keys, int heads, int kvHeads, int headDim, int bytesPerValue)
            {
                double pairs = 0;
                for (long i = 0; i < queries; i++) pairs += i + keys - queries + 1;
                return 4.0 * heads * headDim * pairs / ((2.0 * queries * heads * headDim + 2.0 * keys * heads * headDim) * bytesPerValue);
            }
            """, [false, false, true, false, true] },
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
        // The slope between the first and the last point only.
        { "6.1b", """
            double FitExponent(double[] N, double[] cost) => Math.Log(cost[^1] / cost[0]) / Math.Log(N[^1] / N[0]);
            """, [true, true, false, false, false, true] },
        // Token-major read as if heads-first.
        { "6.2a", """
            Tensor ReadHead(float[] storage, int B, int H, int S, int D, bool tokenMajor, int b, int h)
            {
                var head = new Tensor(S, D);
                for (int s = 0; s < S; s++)
                    for (int e = 0; e < D; e++)
                        head[s, e] = storage[(((b * H) + h) * S + s) * D + e];
                return head;
            }
            """, [true, false, false, true, true] },
        // Counted in int: overflows past 2³¹ bytes.
        { "6.2b", """
            long[] StandardTrafficBytes(int B, int H, int N, int d, int bytesPerValue)
            {
                int reads = (3 * N * d + 2 * N * N) * B * H * bytesPerValue;
                int writes = (2 * N * N + N * d) * B * H * bytesPerValue;
                return [reads, writes];
            }
            """, [true, true, false, true] },
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
        // Global keys only: a global query does not see everything before it.
        { "6.4a", """
            Tensor LocalGlobalMask(int n, int window, int[] globals)
            {
                var mask = new Tensor(n, n);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j <= i; j++)
                        if (i - j < window || globals.Contains(j)) mask[i, j] = 1;
                return mask;
            }
            """, [true, true, false, false, true] },
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
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_common_mistake_loses_the_cases_that_target_it(string id, string code, bool[] passes)
    {
        Exercise exercise = Exercises.Get(id);
        (ExerciseReport report, string printed) = ExerciseTests.Check(exercise, ExerciseCells.Cell(Exercises.Get(id), code));

        Assert.True(passes.SequenceEqual(report.Cases.Select(c => c.Passed)), printed);
        Assert.True(report.Score < exercise.Points, printed);
    }
}
