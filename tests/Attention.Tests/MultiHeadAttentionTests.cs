using Attention;
using CsCheck;

namespace Attention.Tests;

public class MultiHeadAttentionTests
{
    /// <summary>Random module shapes: h heads of width d_k (d_v may differ), optional biases, a sequence of N tokens.</summary>
    public sealed record Case(int B, int N, int Heads, int Dk, int Dv, int DModel, bool Bias, int Seed)
    {
        public MultiHeadAttention Module()
        {
            Tensor W(int k, int rows, int cols) => Tensor.Random(Seed + k, [rows, cols], 1 / Math.Sqrt(rows));
            Tensor? b(int k, int n) => Bias ? Tensor.Random(Seed + k, [n], 0.5) : null;
            return new MultiHeadAttention(
                W(1, DModel, Heads * Dk), W(2, DModel, Heads * Dk), W(3, DModel, Heads * Dv), W(4, Heads * Dv, DModel), Heads,
                b(5, Heads * Dk), b(6, Heads * Dk), b(7, Heads * Dv), b(8, DModel));
        }

        public Tensor X => Tensor.Random(Seed, [B, N, DModel]);
    }

    private static readonly Gen<Case> Cases =
        from B in Gen.Int[1, 2]
        from N in Gen.Int[1, 6]
        from h in Gen.Int[1, 4]
        from dk in Gen.Int[1, 4]
        from dv in Gen.Int[1, 4]
        from dModel in Gen.Int[1, 8]
        from bias in Gen.Bool
        from seed in Gen.Int[0, 1_000_000]
        select new Case(B, N, h, dk, dv, dModel, bias, seed);

    private static double[,,] Expected(MultiHeadAttention m, Tensor Xq, Tensor Xkv, Func<int, int, int, int, bool>? visible = null) =>
        MultiHeadReference.Forward(Xq, Xkv, m.WQ, m.WK, m.WV, m.WO, m.Heads, m.Heads, m.BQ, m.BK, m.BV, m.BO, visible);

    [Fact]
    public void SelfAttentionMatchesFloat64Definition()
    {
        Gen.Select(Cases, Gen.Bool).Sample((c, causal) =>
        {
            var m = c.Module();
            var Y = causal ? m.Forward(c.X, causal: CausalAlignment.TopLeft) : m.Forward(c.X);
            var expected = Expected(m, c.X, c.X, causal ? (b, h, i, j) => j <= i : null);
            Assert.True(MultiHeadReference.MaxAbsDiff(Y, expected) < 1e-4);
        });
    }

    [Fact]
    public void TwoInputPathMatchesFloat64Definition()
    {
        Gen.Select(Cases, Gen.Int[1, 7]).Sample((c, S) =>
        {
            var m = c.Module();
            var Xkv = Tensor.Random(c.Seed + 9, [c.B, S, c.DModel]);
            Assert.True(MultiHeadReference.MaxAbsDiff(m.Forward(c.X, Xkv), Expected(m, c.X, Xkv)) < 1e-4);
        });
    }

    [Fact]
    public void PerHeadLoopEqualsBatchedForm()
    {
        Gen.Select(Cases, Gen.Int[0, 2]).Sample((c, maskKind) =>
        {
            var m = c.Module();
            // A per-head mask [1, h, N, N] exercises slicing the head axis; the others broadcast over heads.
            Mask? mask = maskKind switch
            {
                0 => null,
                1 => Mask.SlidingWindow(c.N, c.N, 2),
                _ => new Mask([.. Enumerable.Range(0, c.Heads * c.N * c.N).Select(n => (n * 7 + c.Seed) % 3 != 0)], 1, c.Heads, c.N, c.N),
            };
            var batched = m.Forward(c.X, mask, CausalAlignment.TopLeft);
            var perHead = m.ForwardPerHead(c.X, mask, CausalAlignment.TopLeft);
            Assert.True(Reference.MaxAbsDiff(batched, perHead) < 1e-5);
        });
    }

    [Fact]
    public void TraceExposesEveryIntermediateConsistently()
    {
        Cases.Sample(c =>
        {
            var m = c.Module();
            var t = m.Trace(c.X, causal: CausalAlignment.TopLeft);
            int B = c.B, h = c.Heads, N = c.N;
            Assert.Equal([B, h, N, c.Dk], t.Q.Shape);
            Assert.Equal([B, h, N, c.Dk], t.K.Shape);
            Assert.Equal([B, h, N, c.Dv], t.V.Shape);
            Assert.Equal([B, h, N, N], t.Scores.Shape);
            Assert.Equal([B, h, N, N], t.Weights.Shape);
            Assert.Equal([B, h, N, c.Dv], t.HeadOutputs.Shape);
            Assert.Equal([B, N, h * c.Dv], t.Concatenated.Shape);
            Assert.Equal(m.Forward(c.X, causal: CausalAlignment.TopLeft).Data, t.Output.Data);
            Assert.Equal(t.Output.Data, m.OutputProjection(t.HeadOutputs).Data);
            for (int b = 0; b < B; b++)
            {
                for (int head = 0; head < h; head++)
                {
                    for (int i = 0; i < N; i++)
                    {
                        double sum = 0;
                        for (int j = 0; j < N; j++)
                        {
                            double dot = Enumerable.Range(0, c.Dk).Sum(e => (double)t.Q[b, head, i, e] * t.K[b, head, j, e]);
                            Assert.True(Math.Abs(t.Scores[b, head, i, j] - (dot / Math.Sqrt(c.Dk))) < 1e-4);
                            Assert.True(j <= i || t.Weights[b, head, i, j] == 0f);
                            sum += t.Weights[b, head, i, j];
                        }

                        Assert.True(Math.Abs(sum - 1) < 1e-5);
                    }
                }
            }
        });
    }

    [Fact]
    public void TraceWeightsAreTheOnesThatMadeItsHeadOutputs()
    {
        // The trace computes its weights when first read: they must be those of the attention that ran, mask and all.
        Cases.Sample(c =>
        {
            var m = c.Module();
            var rng = new Random(c.Seed);
            var mask = new Mask([.. Enumerable.Range(0, c.B * c.N * c.N).Select(_ => rng.Next(3) > 0)], c.B, 1, c.N, c.N);
            var t = m.Trace(c.X, mask, CausalAlignment.TopLeft);
            var attended = ScaledDotProductAttention.ForwardWithWeights(t.Q, t.K, t.V, mask, causal: CausalAlignment.TopLeft);
            Assert.Equal(attended.Weights!.Data, t.Weights.Data);
            Assert.Equal(attended.Output.Data, t.HeadOutputs.Data);
            Assert.Same(t.Weights, t.Weights);
            Assert.Equal(ScaledDotProductAttention.Scores(t.Q, t.K).Data, t.Scores.Data);

            // Output read first takes the path that keeps nothing; the intermediates read afterwards must agree with it.
            var fresh = m.Trace(c.X, mask, CausalAlignment.TopLeft);
            Tensor output = fresh.Output;
            Assert.Equal(m.OutputProjection(fresh.HeadOutputs).Data, output.Data);
            Assert.Equal(t.Output.Data, output.Data);
        });
    }

    [Fact]
    public void AblatingAHeadThroughOutputProjectionRemovesOnlyItsContribution()
    {
        Cases.Sample(c =>
        {
            var m = c.Module();
            var t = m.Trace(c.X);
            int ablated = c.Seed % c.Heads;
            var Z = t.HeadOutputs.Clone();
            for (int b = 0; b < c.B; b++)
            {
                for (int i = 0; i < c.N; i++)
                {
                    Z.Row(b, ablated, i).Clear();
                }
            }

            // Y − Y_ablated = head's output · its rows of W_O, computed in float64.
            var Y = m.OutputProjection(Z);
            for (int b = 0; b < c.B; b++)
            {
                for (int i = 0; i < c.N; i++)
                {
                    for (int o = 0; o < c.DModel; o++)
                    {
                        double contribution = Enumerable.Range(0, c.Dv)
                            .Sum(e => (double)t.HeadOutputs[b, ablated, i, e] * m.WO[(ablated * c.Dv) + e, o]);
                        Assert.True(Math.Abs(t.Output[b, i, o] - Y[b, i, o] - contribution) < 1e-4);
                    }
                }
            }
        });
    }

    [Fact]
    public void RandomHasTheAdvertisedShapesAndParameterCount()
    {
        var m = MultiHeadAttention.Random(1, 12, 3, bias: true);
        Assert.Equal((3, 4, 4, 12), (m.Heads, m.HeadDim, m.ValueDim, m.ModelDim));
        Assert.Equal((4L * 12 * 12) + (4 * 12), m.ParameterCount);
        Assert.Equal(4L * 12 * 12, MultiHeadAttention.Random(1, 12, 3).ParameterCount);
        Assert.Equal(MultiHeadAttention.Random(5, 12, 3).WQ.Data, MultiHeadAttention.Random(5, 12, 3).WQ.Data);
        double variance = m.WQ.Data.Average(w => (double)w * w);
        Assert.InRange(variance, 0.5 / 12, 2.0 / 12);
    }

    [Fact]
    public void BadInputNamesTheArgumentAndShapes()
    {
        var m = MultiHeadAttention.Random(1, 8, 2);
        void Bad(Action call, string argument, params string[] inMessage)
        {
            var ex = Assert.Throws<ArgumentException>(call);
            Assert.Equal(argument, ex.ParamName);
            Assert.All(inMessage, s => Assert.Contains(s, ex.Message));
        }

        Bad(() => m.Forward(new Tensor(2, 3, 7)), "X", "[*, *, 8]", "[2, 3, 7]");
        Bad(() => m.Forward(new Tensor(3, 8)), "X", "[*, *, 8]", "[3, 8]");
        Bad(() => m.Forward(new Tensor(2, 0, 8)), "X", "[2, 0, 8]");
        Bad(() => m.Forward(new Tensor(2, 3, 8), new Tensor(1, 4, 8)), "Xkv", "[2, *, 8]", "[1, 4, 8]");
        var nan = new Tensor(1, 2, 8);
        nan.Data[3] = float.NaN;
        Bad(() => m.Forward(nan), "X", "NaN", "[1, 2, 8]");
        Bad(() => m.Forward(new Tensor(2, 3, 7), new Tensor(2, 4, 8)), "Xq", "[*, *, 8]", "[2, 3, 7]");
        Bad(() => m.Forward(new Tensor(1, 3, 8), Mask.Causal(3, 4)), "mask", "[1, 2, 3, 3]", "[3, 4]");
        Bad(() => m.ForwardPerHead(new Tensor(1, 3, 6)), "X", "[*, *, 8]", "[1, 3, 6]");
        Bad(() => m.OutputProjection(new Tensor(1, 3, 2, 4)), "headOutputs", "[*, 2, *, 4]", "[1, 3, 2, 4]");
        Bad(() => _ = new MultiHeadAttention(new Tensor(8, 9), new Tensor(8, 9), new Tensor(8, 8), new Tensor(8, 8), 2), "WQ", "[8, 9]");
        Bad(() => _ = new MultiHeadAttention(new Tensor(8, 8), new Tensor(8, 6), new Tensor(8, 8), new Tensor(8, 8), 2), "WK", "[*, 8]", "[8, 6]");
        Bad(() => _ = new MultiHeadAttention(new Tensor(8, 8), new Tensor(8, 8), new Tensor(8, 8), new Tensor(6, 8), 2), "WO", "[8, 8]", "[6, 8]");
        Bad(() => _ = new MultiHeadAttention(new Tensor(8, 8), new Tensor(8, 8), new Tensor(8, 8), new Tensor(8, 8), 2, bO: new Tensor(7)), "bO", "[8]", "[7]");
        Bad(() => MultiHeadAttention.Random(1, 10, 4), "dModel", "10", "4");
    }
}
