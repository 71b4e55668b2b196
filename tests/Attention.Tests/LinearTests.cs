using Attention;

namespace Attention.Tests;

public class LinearTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 5, 3, 7)]
    [InlineData(3, 4, 8, 2)]
    public void MatchesFloat64RowVectorDefinition(int B, int N, int dIn, int dOut)
    {
        var X = Tensor.Random(1, [B, N, dIn]);
        var W = Tensor.Random(2, [dIn, dOut]);
        var b = Tensor.Random(3, [dOut]);
        var Y = Linear.Forward(X, W, b);
        Assert.Equal([B, N, dOut], Y.Shape);
        for (int bi = 0; bi < B; bi++)
        {
            for (int n = 0; n < N; n++)
            {
                for (int o = 0; o < dOut; o++)
                {
                    double y = b[o];
                    for (int i = 0; i < dIn; i++)
                    {
                        y += (double)X[bi, n, i] * W[i, o];
                    }

                    Assert.True(Math.Abs(Y[bi, n, o] - y) < 1e-5, $"Y[{bi},{n},{o}] = {Y[bi, n, o]}, expected {y}");
                }
            }
        }
    }

    [Fact]
    public void MismatchedWeightsNameTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => Linear.Forward(new Tensor(2, 4), new Tensor(5, 3)));
        Assert.Equal("W", ex.ParamName);
        Assert.Contains("[4, *]", ex.Message);
        Assert.Contains("[5, 3]", ex.Message);
        var bias = Assert.Throws<ArgumentException>(() => Linear.Forward(new Tensor(2, 4), new Tensor(4, 3), new Tensor(2)));
        Assert.Equal("b", bias.ParamName);
    }

    [Fact]
    public void TheArrayFormWritesTheTensorFormsBitsIntoLongerArraysAndNamesShortOnes()
    {
        var X = Tensor.Random(1, [3, 5, 4]);
        var W = Tensor.Random(2, [4, 6]);
        var b = Tensor.Random(3, [6]);
        float[] x = [.. X.Data, 9f, 9f], y = new float[(15 * 6) + 3];
        Linear.Forward(x, 15, W, b, y);
        Assert.Equal(Linear.Forward(X, W, b).Data, y[..(15 * 6)]);
        Assert.Equal([0f, 0f, 0f], y[(15 * 6)..]);
        var shortY = Assert.Throws<ArgumentException>(() => Linear.Forward(x, 15, W, b, new float[89]));
        Assert.Equal("Y", shortY.ParamName);
        Assert.Contains("[15, 6]", shortY.Message);
        Assert.Equal("X", Assert.Throws<ArgumentException>(() => Linear.Forward(new float[59], 15, W, b, y)).ParamName);
    }
}
