using Attention;

namespace Attention.Tests;

public class ScaledDotProductAttentionTests
{
    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1)]
    [InlineData(2, 3, 5, 7, 4, 3)]
    [InlineData(1, 4, 3, 9, 8, 16)]
    public void MatchesFloat64Reference(int B, int H, int L, int S, int E, int Ev)
    {
        var Q = Tensor.Random(1, [B, H, L, E]);
        var K = Tensor.Random(2, [B, H, S, E]);
        var V = Tensor.Random(3, [B, H, S, Ev]);
        var O = ScaledDotProductAttention.Forward(Q, K, V);
        Assert.True(Reference.MaxAbsDiff(O, Reference.Attention(Q, K, V)) < 1e-5);
    }

    [Fact]
    public void WrongKeyHeadDimNamesArgumentAndShapes()
    {
        var Q = new Tensor(1, 2, 3, 4);
        var K = new Tensor(1, 2, 3, 5);
        var ex = Assert.Throws<ArgumentException>(() => ScaledDotProductAttention.Forward(Q, K, K));
        Assert.Equal("K", ex.ParamName);
        Assert.Contains("[1, *, *, 4]", ex.Message);
        Assert.Contains("[1, 2, 3, 5]", ex.Message);
    }
}
