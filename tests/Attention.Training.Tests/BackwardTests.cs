using Attention.Models;

namespace Attention.Training.Tests;

/// <summary>Each backward piece against finite differences of its forward, through a random projection R of the output.</summary>
public class BackwardTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Linear_backward_matches_finite_differences(int seed)
    {
        Tensor X = Tensor.Random(seed, [2, 3, 5]), W = Tensor.Random(seed + 10, [5, 4]), R = Tensor.Random(seed + 20, [2, 3, 4]);
        double Loss() => FiniteDifferences.Dot(Linear.Forward(X, W), R);
        FiniteDifferences.Check("dX", Loss, X, LinearBackward.InputGradient(R, W), seed);
        FiniteDifferences.Check("dW", Loss, W, LinearBackward.WeightGradient(X, R), seed);
    }

    [Fact]
    public void Softmax_backward_matches_finite_differences_and_gives_masked_logits_nothing()
    {
        var s = new Tensor([0.3f, -1.2f, 2.0f, float.NegativeInfinity, 0.7f], 5);
        var r = Tensor.Random(4, [5]);
        double Loss()
        {
            var p = new float[5];
            Softmax.Row(s.Data, p);
            return FiniteDifferences.Dot(new Tensor(p, 5), r);
        }

        var weights = new float[5];
        Softmax.Row(s.Data, weights);
        var ds = new Tensor(5);
        SoftmaxBackward.Row(weights, r.Data, ds.Data);
        Assert.Equal(0f, ds.Data[3]);
        var finite = new Tensor([0.3f, -1.2f, 2.0f, 0.7f], 4);
        var visible = new Tensor([ds.Data[0], ds.Data[1], ds.Data[2], ds.Data[4]], 4);
        double Visible()
        {
            (s.Data[0], s.Data[1], s.Data[2], s.Data[4]) = (finite.Data[0], finite.Data[1], finite.Data[2], finite.Data[3]);
            return Loss();
        }

        FiniteDifferences.Check("ds", Visible, finite, visible, 4);
    }

    [Theory]
    [InlineData(3, 5, 5, true)]
    [InlineData(4, 3, 6, false)]
    public void Attention_backward_matches_finite_differences(int seed, int L, int S, bool causal)
    {
        Tensor Q = Tensor.Random(seed, [2, 2, L, 4]), K = Tensor.Random(seed + 1, [2, 2, S, 4]), V = Tensor.Random(seed + 2, [2, 2, S, 3]);
        Tensor R = Tensor.Random(seed + 3, [2, 2, L, 3]);
        CausalAlignment? alignment = causal ? CausalAlignment.TopLeft : null;
        double Loss() => FiniteDifferences.Dot(ScaledDotProductAttention.Forward(Q, K, V, causal: alignment), R);
        var P = ScaledDotProductAttention.ForwardWithWeights(Q, K, V, causal: alignment).Weights!;
        var g = AttentionBackward.Backward(Q, K, V, P, R);
        FiniteDifferences.Check("dQ", Loss, Q, g.dQ, seed);
        FiniteDifferences.Check("dK", Loss, K, g.dK, seed);
        FiniteDifferences.Check("dV", Loss, V, g.dV, seed);
    }

    [Fact]
    public void A_key_every_query_is_masked_from_gets_no_key_or_value_gradient()
    {
        // Causal, L = S: the last key is visible to the last query only; with dO zero on that query it learns nothing.
        Tensor Q = Tensor.Random(1, [1, 1, 4, 2]), K = Tensor.Random(2, [1, 1, 4, 2]), V = Tensor.Random(3, [1, 1, 4, 2]);
        var P = ScaledDotProductAttention.ForwardWithWeights(Q, K, V, causal: CausalAlignment.TopLeft).Weights!;
        var dO = Tensor.Random(4, [1, 1, 4, 2]);
        dO.Row(0, 0, 3).Clear();
        var g = AttentionBackward.Backward(Q, K, V, P, dO);
        Assert.All(g.dK.Row(0, 0, 3).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(g.dV.Row(0, 0, 3).ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(RopeLayout.Interleaved)]
    [InlineData(RopeLayout.RotateHalf)]
    public void Rope_backward_matches_finite_differences(RopeLayout layout)
    {
        Tensor X = Tensor.Random(5, [1, 2, 7, 6]), R = Tensor.Random(6, [1, 2, 7, 6]);
        double Loss() => FiniteDifferences.Dot(Rope.Apply(X, 3, layout), R);
        FiniteDifferences.Check("dX", Loss, X, RopeBackward.Apply(R, 3, layout), 5, samples: 84);
    }

    [Fact]
    public void Cross_entropy_gradient_matches_finite_differences_and_its_loss_is_the_definition()
    {
        Tensor logits = Tensor.Random(7, [2, 4, 5], sigma: 2);
        int[][] tokens = [[1, 4, 0, 2], [3, 3, 1, 0]];
        var result = CrossEntropy.NextToken(logits, tokens);
        double expected = 0;
        for (int b = 0; b < 2; b++)
        {
            for (int n = 0; n < 3; n++)
            {
                var row = logits.Row(b, n).ToArray().Select(v => (double)v).ToArray();
                double lse = Math.Log(row.Sum(Math.Exp));
                expected += lse - row[tokens[b][n + 1]];
            }
        }

        Assert.Equal(expected / 6, result.Loss, 5);
        Assert.All(result.dLogits.Row(0, 3).ToArray(), v => Assert.Equal(0f, v));
        FiniteDifferences.Check("dlogits", () => CrossEntropy.NextToken(logits, tokens).Loss, logits, result.dLogits, 7, samples: 40);
    }

    [Theory]
    [InlineData(PositionEncoding.Learned)]
    [InlineData(PositionEncoding.Rope)]
    [InlineData(PositionEncoding.Alibi)]
    public void Decoder_gradient_of_every_parameter_matches_finite_differences(PositionEncoding positions)
    {
        var config = new DecoderConfig(Vocab: 7, DModel: 8, Heads: 2, Layers: 2, Context: 6, positions);
        var weights = DecoderWeights.Random(config, 11);
        var model = new AttentionOnlyDecoder(weights);
        int[][] tokens = [[1, 5, 2, 1, 5, 2], [0, 6, 6, 3, 0, 6]];
        double Loss() => CrossEntropy.NextToken(model.Logits(tokens), tokens).Loss;
        var trace = model.Trace(tokens);
        var gradients = DecoderBackward.Gradients(model, trace, CrossEntropy.NextToken(trace.Logits, tokens).dLogits);
        foreach (var ((name, parameter), (_, gradient)) in weights.Parameters().Zip(gradients.Parameters()))
        {
            FiniteDifferences.Check(name, Loss, parameter, gradient, name.Length, samples: 16);
        }
    }
}
