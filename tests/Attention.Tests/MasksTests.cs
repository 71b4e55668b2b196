using Attention;
using CsCheck;

namespace Attention.Tests;

public class MasksTests
{
    private static readonly Gen<(int L, int S)> Sizes = Gen.Select(Gen.Int[1, 9], Gen.Int[1, 9]);

    [Fact]
    public void CausalMatchesDefinitionForBothAlignments()
    {
        Sizes.Sample((L, S) =>
        {
            var topLeft = Mask.Causal(L, S, CausalAlignment.TopLeft);
            var bottomRight = Mask.Causal(L, S, CausalAlignment.BottomRight);
            Assert.Equal([L, S], topLeft.Shape);
            for (int i = 0; i < L; i++)
            {
                for (int j = 0; j < S; j++)
                {
                    Assert.Equal(j <= i, topLeft[i, j]);
                    Assert.Equal(j <= i + (S - L), bottomRight[i, j]);
                }
            }
        });
    }

    [Fact]
    public void AlignmentsAgreeOnlyWhenQueriesEqualKeys()
    {
        Sizes.Sample((L, S) =>
        {
            string a = Mask.Causal(L, S, CausalAlignment.TopLeft).ToText(), b = Mask.Causal(L, S, CausalAlignment.BottomRight).ToText();
            Assert.Equal(L == S, a == b);
        });
    }

    [Fact]
    public void DecodeStepSeesTheWholeCacheOnlyWhenBottomRight()
    {
        // One new query against a cache of 5 keys: it is the last position and sees all of them.
        Assert.Equal("■■■■■\n", Mask.Causal(1, 5, CausalAlignment.BottomRight).ToText());
        Assert.Equal("■····\n", Mask.Causal(1, 5, CausalAlignment.TopLeft).ToText());
    }

    [Fact]
    public void SlidingWindowSeesWKeysIncludingItself()
    {
        Gen.Select(Sizes, Gen.Int[1, 6]).Sample((sizes, W) =>
        {
            var (L, S) = sizes;
            var mask = Mask.SlidingWindow(L, S, W);
            for (int i = 0; i < L; i++)
            {
                int p = i + S - L; // the query's absolute position
                for (int j = 0; j < S; j++)
                {
                    Assert.Equal(j <= p && j >= p - W + 1, mask[i, j]);
                }

                int count = Enumerable.Range(0, S).Count(j => mask[i, j]);
                Assert.Equal(Math.Clamp(Math.Min(W, p + 1), 0, S), count);
            }
        });
    }

    [Fact]
    public void KeyPaddingBroadcastsOverHeadsAndQueries()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 7], Gen.Int[0, 1_000_000]).Sample((B, S, seed) =>
        {
            var rng = new Random(seed);
            var isReal = new bool[B, S];
            for (int b = 0; b < B; b++)
            {
                for (int j = 0; j < S; j++)
                {
                    isReal[b, j] = rng.Next(2) == 0;
                }
            }

            var mask = Mask.KeyPadding(isReal);
            Assert.Equal([B, 1, 1, S], mask.Shape);
            mask.RequireBroadcastsTo("mask", B, 4, 3, S);
            for (int b = 0; b < B; b++)
            {
                for (int j = 0; j < S; j++)
                {
                    Assert.Equal(isReal[b, j], mask.IsVisible(b, 3, 2, j));
                }
            }
        });
    }

    [Fact]
    public void AndIsElementwiseWithBroadcast()
    {
        Gen.Select(Gen.Int[1, 3], Sizes, Gen.Int[0, 1_000_000]).Sample((B, sizes, seed) =>
        {
            var (L, S) = sizes;
            var rng = new Random(seed);
            var isReal = new bool[B, S];
            for (int b = 0; b < B; b++)
            {
                for (int j = 0; j < S; j++)
                {
                    isReal[b, j] = rng.Next(3) > 0;
                }
            }

            var both = Mask.Causal(L, S, CausalAlignment.BottomRight).And(Mask.KeyPadding(isReal));
            Assert.Equal([B, 1, L, S], both.Shape);
            for (int b = 0; b < B; b++)
            {
                for (int i = 0; i < L; i++)
                {
                    for (int j = 0; j < S; j++)
                    {
                        Assert.Equal(j <= i + S - L && isReal[b, j], both.IsVisible(b, 0, i, j));
                    }
                }
            }
        });
    }

    [Fact]
    public void ToTextDrawsRows()
    {
        Assert.Equal("■··\n■■·\n■■■\n", Mask.Causal(3, 3).ToText());
    }

    [Fact]
    public void BadShapesNameTheArgument()
    {
        var rank = Assert.Throws<ArgumentException>(() => new Mask(new bool[4], 4));
        Assert.Equal("shape", rank.ParamName);
        var count = Assert.Throws<ArgumentException>(() => new Mask(new bool[5], 2, 2));
        Assert.Equal("allowed", count.ParamName);
        Assert.Contains("[2, 2]", count.Message);
        var incompatible = Assert.Throws<ArgumentException>(() => Mask.Causal(3, 4).And(Mask.Causal(2, 4)));
        Assert.Equal("other", incompatible.ParamName);
        Assert.Contains("[2, 4]", incompatible.Message);
        Assert.Contains("[3, 4]", incompatible.Message);
        var broadcast = Assert.Throws<ArgumentException>(() => Mask.Causal(3, 4).RequireBroadcastsTo("mask", 1, 2, 3, 5));
        Assert.Equal("mask", broadcast.ParamName);
        Assert.Contains("[1, 2, 3, 5]", broadcast.Message);
        Assert.Contains("[3, 4]", broadcast.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mask.Full(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mask.SlidingWindow(3, 3, 0));
    }
}
