using Bcl = System.Numerics.Tensors;

namespace Attention.Tests;

public class TensorInteropTests
{
    [Fact]
    public void A_course_tensor_seen_as_a_BCL_tensor_shares_its_array_and_keeps_its_shape()
    {
        var x = Tensor.Random(1, [2, 3, 4]);
        var bcl = x.AsBclTensor();
        Assert.Equal([2, 3, 4], bcl.Lengths.ToArray().Select(l => (int)l));
        Assert.Equal(x[1, 2, 3], bcl[1, 2, 3]);
        bcl[1, 2, 3] = 42f;              // written through the BCL view...
        Assert.Equal(42f, x[1, 2, 3]);    // ...seen by the course tensor: no copy
        var span = x.AsTensorSpan();
        span[0, 1, 2] = -7f;
        Assert.Equal(-7f, x[0, 1, 2]);
        // BCL operations work on the shared memory: here the sum of every element.
        Assert.Equal(x.Data.Sum(), Bcl.Tensor.Sum<float>(bcl), 3);
    }

    [Fact]
    public void A_BCL_tensor_over_an_array_becomes_a_course_tensor_over_the_same_array()
    {
        var data = Enumerable.Range(0, 6).Select(i => (float)i).ToArray();
        var bcl = Bcl.Tensor.Create(data, [2, 3]);
        var x = bcl.ToCourseTensor(data);
        Assert.Same(data, x.Data);
        Assert.Equal([2, 3], x.Shape);
        Assert.Equal(5f, x[1, 2]);
    }

    [Fact]
    public void A_view_of_other_memory_or_with_other_strides_is_refused_and_copied_on_request()
    {
        var data = Enumerable.Range(0, 6).Select(i => (float)i).ToArray();
        var other = new float[6];
        var ex = Assert.Throws<ArgumentException>(() => Bcl.Tensor.Create(data, [2, 3]).ToCourseTensor(other));
        Assert.Equal("view", ex.ParamName);
        Assert.Contains("[2, 3]", ex.Message);

        // A transposed view (strides [1, 3]) is not row-major: the copy is, with the transposed values.
        var transposed = Bcl.Tensor.Create(data, [3, 2], [1, 3]);
        Assert.Throws<ArgumentException>(() => transposed.ToCourseTensor(data));
        var copy = transposed.ToCourseTensor();
        Assert.NotSame(data, copy.Data);
        Assert.Equal([3, 2], copy.Shape);
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 2; j++)
                Assert.Equal(data[j * 3 + i], copy[i, j]);
    }
}
