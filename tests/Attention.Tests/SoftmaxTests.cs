using Attention;
using CsCheck;

namespace Attention.Tests;

public class SoftmaxTests
{
    /// <summary>Logits of random length with some entries −∞ (masked) and a random spread up to ±1e4.</summary>
    private static readonly Gen<float[]> Logits =
        Gen.Select(Gen.Int[1, 12], Gen.Int[0, 1_000_000], Gen.Double[0.1, 1e4], Gen.Double[0, 0.6])
            .Select((n, seed, spread, hiddenRate) =>
            {
                var rng = new Random(seed);
                return Enumerable.Range(0, n)
                    .Select(_ => rng.NextDouble() < hiddenRate ? float.NegativeInfinity : (float)((rng.NextDouble() * 2 - 1) * spread))
                    .ToArray();
            });

    [Fact]
    public void MatchesFloat64DefinitionAndLogSumExp()
    {
        Logits.Sample(logits =>
        {
            var weights = new float[logits.Length];
            float lse = Softmax.Row(logits, weights);
            double max = logits.Max(x => (double)x);
            if (double.IsNegativeInfinity(max))
            {
                return;
            }

            double sum = logits.Sum(x => Math.Exp(x - max));
            for (int j = 0; j < logits.Length; j++)
            {
                Assert.True(Math.Abs(weights[j] - (Math.Exp(logits[j] - max) / sum)) < 1e-6, $"weight {j}");
            }

            double expectedLse = max + Math.Log(sum);
            Assert.True(Math.Abs(lse - expectedLse) <= 1e-6 * Math.Max(1, Math.Abs(expectedLse)), $"lse {lse} vs {expectedLse}");
        });
    }

    [Fact]
    public void VisibleWeightsSumToOneAndHiddenGetExactlyZero()
    {
        Logits.Sample(logits =>
        {
            var weights = new float[logits.Length];
            Softmax.Row(logits, weights);
            Assert.All(weights, w => Assert.True(float.IsFinite(w) && w >= 0));
            for (int j = 0; j < logits.Length; j++)
            {
                if (float.IsNegativeInfinity(logits[j]))
                {
                    Assert.Equal(0f, weights[j]);
                }
            }

            bool anyVisible = logits.Any(x => !float.IsNegativeInfinity(x));
            Assert.True(Math.Abs(weights.Sum(w => (double)w) - (anyVisible ? 1 : 0)) < 1e-5);
        });
    }

    [Fact]
    public void HugeLogitsStayFinite()
    {
        float[] logits = [1e4f, -1e4f, 1e4f - 1, -1e4f + 3, 0];
        var weights = new float[logits.Length];
        float lse = Softmax.Row(logits, weights);
        Assert.All(weights, w => Assert.True(float.IsFinite(w)));
        Assert.True(float.IsFinite(lse));
        Assert.True(Math.Abs(weights.Sum() - 1) < 1e-6);
        Assert.Equal(0f, weights[1]); // e^(−2e4) underflows to exactly 0
        Assert.True(Math.Abs(weights[0] - (1 / (1 + Math.Exp(-1)))) < 1e-6);
    }

    [Fact]
    public void AllHiddenRowGivesZerosAndMinusInfinityLse()
    {
        float[] logits = [float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity];
        float[] weights = [7, 7, 7];
        float lse = Softmax.Row(logits, weights);
        Assert.Equal([0f, 0f, 0f], weights);
        Assert.True(float.IsNegativeInfinity(lse));
    }

    [Fact]
    public void LastAxisIsRowByRow()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 5], Gen.Int[1, 9], Gen.Int[0, 1_000_000]).Sample((a, b, n, seed) =>
        {
            var logits = Tensor.Random(seed, [a, b, n], sigma: 5);
            var weights = Softmax.LastAxis(logits);
            Assert.Equal(logits.Shape, weights.Shape);
            var row = new float[n];
            for (int i = 0; i < a; i++)
            {
                for (int k = 0; k < b; k++)
                {
                    Softmax.Row(logits.Row(i, k), row);
                    Assert.Equal(row, weights.Row(i, k).ToArray());
                }
            }
        });
    }

    [Fact]
    public void WeightsOfWrongLengthNameTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => Softmax.Row(new float[3], new float[2]));
        Assert.Equal("weights", ex.ParamName);
        Assert.Contains("3", ex.Message);
        Assert.Contains("2", ex.Message);
    }
}
