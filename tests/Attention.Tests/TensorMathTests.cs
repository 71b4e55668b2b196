using Attention;
using CsCheck;

namespace Attention.Tests;

/// <summary>The math surface of Tensor against float64 definitions written here with plain loops.</summary>
public class TensorMathTests
{
    [Fact]
    public void MatMulEqualsTheSumOverTheInnerAxisInFloat64()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[0, 6], Gen.Int[0, 7], Gen.Int[1, 5], Gen.Int[0, 1000]).Sample((batch, m, k, n, seed) =>
        {
            Tensor a = Tensor.Random(seed, [batch, m, k]);
            Tensor b = Tensor.Random(seed + 1, [batch, k, n]);
            Tensor c = a.MatMul(b);
            Assert.Equal([batch, m, n], c.Shape);
            for (int t = 0; t < batch; t++)
            {
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        double sum = 0;
                        for (int p = 0; p < k; p++)
                        {
                            sum += (double)a[t, i, p] * b[t, p, j];
                        }

                        Assert.True(Math.Abs(c[t, i, j] - sum) <= 1e-5 * (1 + Math.Abs(sum)), $"c[{t}, {i}, {j}] = {c[t, i, j]}, expected {sum}");
                    }
                }
            }
        });
    }

    [Fact]
    public void MatMulWithAMatrixAppliesItToEveryBatch()
    {
        Tensor x = Tensor.Random(3, [2, 4, 5]);
        Tensor w = Tensor.Random(4, [5, 3]);
        Tensor y = x.MatMul(w);
        for (int b = 0; b < 2; b++)
        {
            Tensor alone = new Tensor(x.Data[(b * 20)..((b + 1) * 20)], 4, 5).MatMul(w);
            Assert.Equal(alone.Data, y.Data[(b * 12)..((b + 1) * 12)]);
        }
    }

    [Fact]
    public void TransposeSwapsTheLastTwoAxesOnly()
    {
        Tensor k = Tensor.Random(5, [2, 3, 4, 6]);
        Tensor kT = k.Transpose();
        Assert.Equal([2, 3, 6, 4], kT.Shape);
        for (int b = 0; b < 2; b++)
        {
            for (int h = 0; h < 3; h++)
            {
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 6; j++)
                    {
                        Assert.Equal(k[b, h, i, j], kT[b, h, j, i]);
                    }
                }
            }
        }

        Assert.Equal(k.Data, kT.Transpose().Data);
    }

    [Fact]
    public void QTimesKTransposeIsTheScoreOfEveryPair()
    {
        Tensor q = Tensor.Random(6, [1, 2, 3, 4]);
        Tensor k = Tensor.Random(7, [1, 2, 5, 4]);
        Tensor scores = q.MatMul(k.Transpose()) * 0.5f;
        for (int h = 0; h < 2; h++)
        {
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 5; j++)
                {
                    double dot = Enumerable.Range(0, 4).Sum(e => (double)q[0, h, i, e] * k[0, h, j, e]);
                    Assert.Equal(0.5 * dot, scores[0, h, i, j], 5);
                }
            }
        }
    }

    [Fact]
    public void SumDifferenceAndScaleAreElementwise()
    {
        Tensor a = Tensor.Random(8, [2, 3]);
        Tensor b = Tensor.Random(9, [2, 3]);
        Tensor sum = a + b, difference = a - b, scaled = 3f * a;
        for (int k = 0; k < 6; k++)
        {
            Assert.Equal(a.Data[k] + b.Data[k], sum.Data[k]);
            Assert.Equal(a.Data[k] - b.Data[k], difference.Data[k]);
            Assert.Equal(3f * a.Data[k], scaled.Data[k]);
        }

        Assert.Equal(a.Data, (a * 1f).Data);
        Assert.NotSame(a.Data, (a * 1f).Data);
    }

    [Fact]
    public void HeadIsTheBlockOfOneHeadAndHeadSpanWritesThrough()
    {
        Tensor t = Tensor.Random(10, [2, 3, 4, 5]);
        Tensor head = t.Head(1, 2);
        Assert.Equal([4, 5], head.Shape);
        for (int i = 0; i < 4; i++)
        {
            for (int e = 0; e < 5; e++)
            {
                Assert.Equal(t[1, 2, i, e], head[i, e]);
            }
        }

        t.HeadSpan(1, 2)[7] = 42f;
        Assert.Equal(42f, t[1, 2, 1, 2]);
        Assert.NotEqual(42f, head[1, 2]);
    }

    [Fact]
    public void MaxAbsDiffIsTheLargestGapInFloat64()
    {
        var a = new Tensor([1f, -2f, 3f], 3);
        var b = new Tensor([1f, 2f, 2.5f], 3);
        Assert.Equal(4.0, Tensor.MaxAbsDiff(a, b));
        Assert.Equal(0.0, Tensor.MaxAbsDiff(new Tensor(0, 3), new Tensor(0, 3)));
        Assert.True(double.IsNaN(Tensor.MaxAbsDiff(a, new Tensor([1f, float.NaN, 3f], 3))));
    }

    [Fact]
    public void ShapeErrorsNameBothShapes()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new Tensor(2, 3) + new Tensor(3, 2));
        Assert.Contains("[2, 3]", e1.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2]", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => new Tensor(2, 4, 3).MatMul(new Tensor(2, 4, 5)));
        Assert.Contains("[2, 4, 3]", e2.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3, n]", e2.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Tensor(2, 4, 3).MatMul(new Tensor(3, 3, 5)));
        Assert.Throws<ArgumentException>(() => Tensor.MaxAbsDiff(new Tensor(6), new Tensor(2, 3)));
        Assert.Throws<ArgumentException>(() => new Tensor(2, 3).Head(0, 0));
        Assert.Throws<IndexOutOfRangeException>(() => new Tensor(1, 2, 3, 4).Head(0, 2));
        Assert.Throws<InvalidOperationException>(() => new Tensor(3).Transpose());
    }

    [Fact]
    public void ConcatPutsEveryElementWhereItsIndexSaysForAnyAxis()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 3], Gen.Int[1, 3], Gen.Int[0, 1000]).Sample((rank, axisSeed, extra, seed) =>
        {
            var random = new Random(seed);
            int[] shapeA = [.. Enumerable.Range(0, rank).Select(_ => random.Next(1, 4))];
            int axis = axisSeed % rank;
            int[] shapeB = (int[])shapeA.Clone();
            shapeB[axis] = extra;
            Tensor a = Tensor.Random(seed, shapeA), b = Tensor.Random(seed + 1, shapeB);
            Tensor joined = Tensor.Concat(a, b, axis - rank);
            Assert.Equal(shapeA[axis] + extra, joined.Dim(axis));
            for (int k = 0; k < joined.Length; k++)
            {
                // Unravel k over the joined shape; read from a or b at the same index (shifted on the axis for b).
                int[] index = new int[rank];
                for (int i = rank - 1, rest = k; i >= 0; i--)
                {
                    index[i] = rest % joined.Dim(i);
                    rest /= joined.Dim(i);
                }

                bool fromA = index[axis] < shapeA[axis];
                if (!fromA)
                {
                    index[axis] -= shapeA[axis];
                }

                Assert.Equal(fromA ? a[index] : b[index], joined.Data[k]);
            }
        });
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Concat(new Tensor(2, 3), new Tensor(3, 3), axis: 1));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[3, 3]", ex.Message);
    }
}
