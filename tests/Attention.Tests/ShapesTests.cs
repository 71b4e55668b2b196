using Attention;

namespace Attention.Tests;

public class ShapesTests
{
    [Fact]
    public void RequireAcceptsMatchingShapesAndWildcards()
    {
        var t = new Tensor(2, 3, 4);
        Shapes.Require(t, "t", "[a, b, c]", 2, Shapes.Any, 4);
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, "[2, 3]")]
    [InlineData(new[] { 2, 5, 4 }, "[2, 5, 4]")]
    public void RequireNamesArgumentExpectedAndActual(int[] actual, string actualText)
    {
        var ex = Assert.Throws<ArgumentException>(
            () => Shapes.Require(new Tensor(actual), "X", "[batch, seq, dModel]", 2, 3, Shapes.Any));
        Assert.Equal("X", ex.ParamName);
        Assert.Contains("[batch, seq, dModel] = [2, 3, *]", ex.Message);
        Assert.Contains("got " + actualText, ex.Message);
    }

    [Fact]
    public void NullEmptyNonFiniteAndNonPositiveAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => Shapes.Require(null, "Q", "[n]", 1));
        Assert.Throws<ArgumentException>(() => Shapes.RequireNonEmpty(new Tensor(2, 0), "K", "[n, d]"));
        var withNaN = new Tensor(3);
        withNaN[1] = float.NaN;
        var ex = Assert.Throws<ArgumentException>(() => Shapes.RequireFinite(withNaN, "V"));
        Assert.Contains("flat index 1", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Shapes.RequirePositive(0, "heads"));
    }
}
