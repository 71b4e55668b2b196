using Attention;

namespace Attention.Tests;

public class TensorTests
{
    [Fact]
    public void RowMajorOffsetsAndStrides()
    {
        var t = new Tensor(2, 3, 4);
        Assert.Equal([12, 4, 1], t.Strides);
        Assert.Equal((1 * 12) + (2 * 4) + 3, t.Offset(1, 2, 3));
        t[1, 2, 3] = 7f;
        Assert.Equal(7f, t.Data[23]);
        Assert.Equal(7f, t.Row(1, 2)[3]);
    }

    [Fact]
    public void RowIsTheLastAxisVectorAndWritesThrough()
    {
        var t = new Tensor([.. Enumerable.Range(0, 24).Select(i => (float)i)], 2, 3, 4);
        Span<float> row = t.Row(1, 0);
        Assert.Equal([12f, 13f, 14f, 15f], row.ToArray());
        row[0] = -1f;
        Assert.Equal(-1f, t[1, 0, 0]);
    }

    [Fact]
    public void ReshapeSharesDataCloneDoesNot()
    {
        var t = Tensor.Random(1, [2, 6]);
        var view = t.Reshape(3, 4);
        var copy = t.Clone();
        t.Data[5] = 42f;
        Assert.Equal(42f, view.Data[5]);
        Assert.NotEqual(42f, copy.Data[5]);
    }

    [Fact]
    public void RandomIsReproducibleAndRoughlyStandardNormal()
    {
        var a = Tensor.Random(7, [1000]);
        var b = Tensor.Random(7, [1000]);
        var c = Tensor.Random(8, [1000]);
        Assert.Equal(a.Data, b.Data);
        Assert.NotEqual(a.Data, c.Data);
        double mean = a.Data.Average(), variance = a.Data.Average(x => (x - mean) * (x - mean));
        Assert.InRange(mean, -0.15, 0.15);
        Assert.InRange(variance, 0.8, 1.2);
    }

    [Fact]
    public void FromRowsBuildsAMatrix()
    {
        var t = Tensor.FromRows([[1f, 2f], [3f, 4f], [5f, 6f]]);
        Assert.Equal([3, 2], t.Shape);
        Assert.Equal(4f, t[1, 1]);
        Assert.Throws<ArgumentException>(() => Tensor.FromRows([[1f, 2f], [3f]]));
    }

    [Fact]
    public void BadShapesAndIndicesAreRejectedWithTheShapeInTheMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Tensor(new float[5], 2, 3));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Throws<ArgumentException>(() => new Tensor(2, -1));
        var t = new Tensor(2, 3);
        var outside = Assert.Throws<IndexOutOfRangeException>(() => t[2, 0]);
        Assert.Contains("[2, 3]", outside.Message);
        Assert.Throws<ArgumentException>(() => t.Offset(1));
        Assert.Throws<ArgumentException>(() => t.Row(0, 0));
    }
}
