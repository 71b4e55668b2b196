using Attention;
using CsCheck;

namespace Attention.Tests;

public class HeadsTests
{
    private static readonly Gen<(int B, int N, int h, int d, int Seed)> Shapes =
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 5], Gen.Int[1, 4], Gen.Int[1, 5], Gen.Int[0, 1_000_000]);

    [Fact]
    public void SplitGivesHeadHFeaturesHTimesDOnward()
    {
        Shapes.Sample((B, N, h, d, seed) =>
        {
            var X = Tensor.Random(seed, [B, N, h * d]);
            var split = Heads.Split(X, h);
            Assert.Equal([B, h, N, d], split.Shape);
            for (int b = 0; b < B; b++)
            {
                for (int head = 0; head < h; head++)
                {
                    for (int n = 0; n < N; n++)
                    {
                        for (int e = 0; e < d; e++)
                        {
                            Assert.Equal(X[b, n, (head * d) + e], split[b, head, n, e]);
                        }
                    }
                }
            }
        });
    }

    [Fact]
    public void MergeConcatenatesHeadsAlongFeatures()
    {
        Shapes.Sample((B, N, h, d, seed) =>
        {
            var O = Tensor.Random(seed, [B, h, N, d]);
            var merged = Heads.Merge(O);
            Assert.Equal([B, N, h * d], merged.Shape);
            for (int b = 0; b < B; b++)
            {
                for (int n = 0; n < N; n++)
                {
                    float[] expected = [.. Enumerable.Range(0, h).SelectMany(head => O.Row(b, head, n).ToArray())];
                    Assert.Equal(expected, merged.Row(b, n).ToArray());
                }
            }
        });
    }

    [Fact]
    public void SplitAndMergeAreInverse()
    {
        Shapes.Sample((B, N, h, d, seed) =>
        {
            var X = Tensor.Random(seed, [B, N, h * d]);
            Assert.Equal(X.Data, Heads.Merge(Heads.Split(X, h)).Data);
            var O = Tensor.Random(seed, [B, h, N, d]);
            Assert.Equal(O.Data, Heads.Split(Heads.Merge(O), h).Data);
        });
    }

    [Fact]
    public void IndivisibleModelWidthIsAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => Heads.Split(new Tensor(2, 3, 10), 4));
        Assert.Equal("heads", ex.ParamName);
        Assert.Contains("[2, 3, 10]", ex.Message);
        Assert.Contains("multiple of heads", ex.Message);
    }

    [Fact]
    public void WrongRanksNameTheArgument()
    {
        var split = Assert.Throws<ArgumentException>(() => Heads.Split(new Tensor(3, 8), 2));
        Assert.Equal("X", split.ParamName);
        Assert.Contains("[batch, seq, dModel]", split.Message);
        Assert.Contains("[3, 8]", split.Message);
        var merge = Assert.Throws<ArgumentException>(() => Heads.Merge(new Tensor(2, 3, 8)));
        Assert.Equal("headOutputs", merge.ParamName);
        Assert.Contains("[2, 3, 8]", merge.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Heads.Split(new Tensor(1, 2, 8), 0));
    }

    [Fact]
    public void ProjectIsSplitOfTheLinearMapBitForBit()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 9], Gen.Int[1, 7], Gen.Int[1, 4], Gen.Int[1, 5], Gen.Bool).Sample((B, N, dIn, heads, d, bias) =>
        {
            var X = Tensor.Random(B * 100 + N, [B, N, dIn]);
            var W = Tensor.Random(dIn, [dIn, heads * d]);
            var b = bias ? Tensor.Random(3, [heads * d]) : null;
            Assert.Equal(Heads.Split(Linear.Forward(X, W, b), heads).Data, Heads.Project(X, W, b, heads).Data);
        });
        var ex = Assert.Throws<ArgumentException>(() => Heads.Project(new Tensor(1, 2, 4), new Tensor(4, 10), null, 4));
        Assert.Equal("heads", ex.ParamName);
        Assert.Contains("[4, 10]", ex.Message);
        Assert.Equal("W", Assert.Throws<ArgumentException>(() => Heads.Project(new Tensor(1, 2, 4), new Tensor(5, 8), null, 4)).ParamName);
    }
}
