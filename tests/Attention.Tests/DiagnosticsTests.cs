using Attention;
using CsCheck;

namespace Attention.Tests;

public class DiagnosticsTests
{
    /// <summary>Causal attention weights [B, H, L, S] of a random problem (bottom-right, so L ≤ S is decode-like).</summary>
    private static readonly Gen<Tensor> Weights =
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[1, 8], Gen.Int[0, 4], Gen.Double[0.2, 4], Gen.Int[0, 100_000])
            .Select((B, H, L, extra, sigma, seed) =>
            {
                int S = L + extra;
                var Q = Tensor.Random(seed, [B, H, L, 4], sigma);
                var K = Tensor.Random(seed + 1, [B, H, S, 4], sigma);
                return ScaledDotProductAttention.ForwardWithWeights(Q, K, K, causal: CausalAlignment.BottomRight).Weights!;
            });

    private static void Close(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected}, got {actual}");

    private static Tensor PreviousTokenPattern(int n)
    {
        var w = new Tensor(n, n);
        w[0, 0] = 1;
        for (int i = 1; i < n; i++)
        {
            w[i, i - 1] = 1;
        }

        return w;
    }

    [Fact]
    public void EntropyOfUniformIsLogNAndOfOneHotIsZero()
    {
        var w = Tensor.FromRows([[0.25f, 0.25f, 0.25f, 0.25f], [0f, 1f, 0f, 0f], [0.5f, 0.5f, 0f, 0f], [0f, 0f, 0f, 0f]]);
        Tensor entropy = Diagnostics.Entropy(w);
        Assert.Equal([4], entropy.Shape);
        Assert.Equal(Math.Log(4), entropy[0], 6);
        Assert.Equal(0.0, entropy[1], 12);
        Assert.Equal(Math.Log(2), entropy[2], 6);
        Assert.Equal(0.0, entropy[3], 12); // no visible key
    }

    [Fact]
    public void StatisticsMatchFloat64DefinitionsAndEntropyIsBoundedByLogVisible()
    {
        Weights.Sample(w =>
        {
            int B = w.Dim(0), H = w.Dim(1), L = w.Dim(2), S = w.Dim(3), k = Math.Min(2, S);
            Tensor entropy = Diagnostics.Entropy(w), distance = Diagnostics.AttentionDistance(w), sink = Diagnostics.SinkMass(w, k);
            Tensor perHead = Diagnostics.AttentionDistancePerHead(w);
            double previous = 0;
            int previousRows = 0;
            for (int h = 0; h < H; h++)
            {
                double headSum = 0;
                for (int b = 0; b < B; b++)
                {
                    for (int i = 0; i < L; i++)
                    {
                        int p = i + S - L;
                        double H_i = 0, d = 0, m = 0;
                        for (int j = 0; j < S; j++)
                        {
                            double x = w[b, h, i, j];
                            H_i -= x > 0 ? x * Math.Log(x) : 0;
                            d += x * Math.Abs(p - j);
                            m += j < k ? x : 0;
                        }

                        Close(H_i, entropy[b, h, i], 1e-5);
                        Assert.True(entropy[b, h, i] <= Math.Log(p + 1) + 1e-5);
                        Close(d, distance[b, h, i], 1e-5);
                        Close(m, sink[b, h, i], 1e-5);
                        headSum += d;
                        if (p >= 1)
                        {
                            previous += w[b, h, i, p - 1];
                            previousRows++;
                        }
                    }
                }

                Close(headSum / (B * L), perHead[h], 1e-5);
            }

            if (S >= 2)
            {
                Close(previous / previousRows, Diagnostics.PreviousTokenScore(w), 1e-9);
            }
        }, iter: 200);
    }

    [Fact]
    public void PreviousTokenPatternHasDistanceOneAndScoreOne()
    {
        Tensor w = PreviousTokenPattern(6);
        Tensor distance = Diagnostics.AttentionDistance(w);
        Assert.Equal(0f, distance[0]);
        Assert.All(distance.Data[1..], d => Assert.Equal(1f, d));
        Assert.Equal(1.0, Diagnostics.PreviousTokenScore(w));
        Assert.Equal(1.0, Diagnostics.PreviousTokenScore(w.Reshape(1, 1, 6, 6)));
        var self = new Tensor(6, 6);
        for (int i = 0; i < 6; i++)
        {
            self[i, i] = 1;
        }

        Assert.Equal(0.0, Diagnostics.PreviousTokenScore(self));
        Assert.All(Diagnostics.AttentionDistance(self).Data, d => Assert.Equal(0f, d));
    }

    [Fact]
    public void PreviousTokenScoreIsTheMeanOfTheSubdiagonal()
    {
        var w = Tensor.FromRows([[1f, 0f, 0f], [0.3f, 0.7f, 0f], [0.1f, 0.6f, 0.3f]]);
        Assert.Equal((0.3 + 0.6) / 2, Diagnostics.PreviousTokenScore(w), 6);
    }

    [Fact]
    public void SinkMassOfAnAllOnFirstTokenHeadIsOne()
    {
        var w = Tensor.FromRows([[1f, 0f, 0f], [1f, 0f, 0f], [0.5f, 0.25f, 0.25f]]);
        Assert.Equal([1f, 1f, 0.5f], Diagnostics.SinkMass(w, 1).Data);
        Assert.Equal([1f, 1f, 1f], Diagnostics.SinkMass(w, 3).Data);
    }

    [Fact]
    public void InductionHeadOnARepeatedSequenceScoresOne()
    {
        int[] tokens = [7, 3, 9, 7, 3, 9];
        var w = new Tensor(6, 6);
        for (int i = 0; i < 6; i++)
        {
            w[i, i < 3 ? i : i - 2] = 1; // position i ≥ 3 looks at the token after the earlier copy of its own token
        }

        Assert.Equal(1.0, Diagnostics.InductionScore(w, tokens));
        Assert.Equal(0.0, Diagnostics.InductionScore(PreviousTokenPattern(6), tokens));
        Assert.Equal("tokens", Assert.Throws<ArgumentException>(() => Diagnostics.InductionScore(w, [1, 2, 3, 4, 5, 6])).ParamName);
    }

    [Theory]
    [InlineData(AblationMode.Zero)]
    [InlineData(AblationMode.Mean)]
    public void AblationChangesOnlyTheChosenHead(AblationMode mode)
    {
        var outputs = Tensor.Random(11, [2, 3, 4, 5]);
        Tensor before = outputs.Clone();
        Tensor ablated = Diagnostics.Ablate(outputs, 1, mode);
        Assert.Equal(before.Data, outputs.Data); // input untouched
        for (int b = 0; b < 2; b++)
        {
            for (int n = 0; n < 4; n++)
            {
                for (int e = 0; e < 5; e++)
                {
                    double mean = 0;
                    for (int bb = 0; bb < 2; bb++)
                    {
                        for (int nn = 0; nn < 4; nn++)
                        {
                            mean += outputs[bb, 1, nn, e] / 8.0;
                        }
                    }

                    Assert.Equal(mode == AblationMode.Zero ? 0 : mean, ablated[b, 1, n, e], 6);
                    Assert.Equal(outputs[b, 0, n, e], ablated[b, 0, n, e]);
                    Assert.Equal(outputs[b, 2, n, e], ablated[b, 2, n, e]);
                }
            }
        }

        Assert.True(Diagnostics.RelativeChange(outputs, ablated) > 0);
    }

    [Fact]
    public void RelativeChangeIsTheRatioOfNorms()
    {
        var a = new Tensor([3f, 4f], 2);
        var b = new Tensor([3f, 1f], 2);
        Assert.Equal(3.0 / 5.0, Diagnostics.RelativeChange(a, b), 12);
        Assert.Equal(0.0, Diagnostics.RelativeChange(a, a));
        Assert.Equal("baseline", Assert.Throws<ArgumentException>(() => Diagnostics.RelativeChange(new Tensor(2), a)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => Diagnostics.RelativeChange(a, new Tensor(3)));
        Assert.Equal("changed", ex.ParamName);
        Assert.Contains("[2]", ex.Message);
        Assert.Contains("[3]", ex.Message);
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => Diagnostics.Entropy(new Tensor([1f], 1))).ParamName);
        var notRows = Assert.Throws<ArgumentException>(() => Diagnostics.Entropy(Tensor.FromRows([[0.5f, 0.2f]])));
        Assert.Equal("weights", notRows.ParamName);
        Assert.Contains("[1, 2]", notRows.Message);
        Assert.Throws<ArgumentException>(() => Diagnostics.AttentionDistance(Tensor.FromRows([[1.5f, -0.5f]])));
        Assert.Throws<ArgumentException>(() => Diagnostics.PreviousTokenScore(Tensor.FromRows([[1f], [1f]])));
        Assert.Equal("sinkTokens", Assert.Throws<ArgumentOutOfRangeException>(() => Diagnostics.SinkMass(PreviousTokenPattern(3), 4)).ParamName);
        Assert.Equal("head", Assert.Throws<ArgumentOutOfRangeException>(() => Diagnostics.Ablate(new Tensor(1, 2, 3, 4), 2, AblationMode.Zero)).ParamName);
        var shape = Assert.Throws<ArgumentException>(() => Diagnostics.Ablate(new Tensor(2, 3, 4), 0, AblationMode.Mean));
        Assert.Equal("headOutputs", shape.ParamName);
        Assert.Contains("[2, 3, 4]", shape.Message);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => Diagnostics.AttentionDistancePerHead(PreviousTokenPattern(3))).ParamName);
    }
}
