using Attention;
using CsCheck;

namespace Attention.Tests;

public class MemoryLayoutTests
{
    private static readonly Gen<(int B, int H, int S, int D)> Shape =
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 4], Gen.Int[1, 5], Gen.Int[1, 6]);

    [Fact]
    public void OffsetsAreRowMajorIndicesOfThePermutedTensor()
    {
        Shape.Sample((B, H, S, D) =>
        {
            int[] shape = [B, H, S, D];
            var seen = new bool[B * H * S * D];
            for (int b = 0; b < B; b++)
            {
                for (int h = 0; h < H; h++)
                {
                    for (int s = 0; s < S; s++)
                    {
                        for (int d = 0; d < D; d++)
                        {
                            Assert.Equal((((b * H) + h) * S + s) * D + d, MemoryLayout.Offset(Layout.BHSD, shape, b, h, s, d));
                            int bshd = (((b * S) + s) * H + h) * D + d;
                            Assert.Equal(bshd, MemoryLayout.Offset(Layout.BSHD, shape, b, h, s, d));
                            seen[bshd] = true;
                        }
                    }
                }
            }

            Assert.All(seen, Assert.True);
        });
    }

    [Fact]
    public void HeadDimensionIsContiguousInBothLayouts()
    {
        int[] shape = [2, 3, 5, 7];
        Assert.Equal([105, 35, 7, 1], MemoryLayout.Strides(Layout.BHSD, shape));
        Assert.Equal([105, 7, 21, 1], MemoryLayout.Strides(Layout.BSHD, shape));
        Assert.Equal([2, 5, 3, 7], MemoryLayout.PhysicalShape(Layout.BSHD, shape));
    }

    [Fact]
    public void ConversionMovesEveryElementToItsNewPlace()
    {
        Gen.Select(Shape, Gen.Int).Sample((shape, seed) =>
        {
            var (B, H, S, D) = shape;
            var x = Tensor.Random(seed, [B, H, S, D]);
            var y = MemoryLayout.Convert(x, Layout.BHSD, Layout.BSHD);
            Assert.Equal([B, S, H, D], y.Shape);
            Assert.NotSame(x.Data, y.Data);
            for (int b = 0; b < B; b++)
            {
                for (int h = 0; h < H; h++)
                {
                    for (int s = 0; s < S; s++)
                    {
                        for (int d = 0; d < D; d++)
                        {
                            Assert.Equal(x.Data[(((b * H) + h) * S + s) * D + d], y.Data[(((b * S) + s) * H + h) * D + d]);
                        }
                    }
                }
            }
        });
    }

    [Fact]
    public void RoundTripIsExact()
    {
        Gen.Select(Shape, Gen.Int).Sample((shape, seed) =>
        {
            var (B, H, S, D) = shape;
            var x = Tensor.Random(seed, [B, S, H, D]);
            var back = MemoryLayout.Convert(MemoryLayout.Convert(x, Layout.BSHD, Layout.BHSD), Layout.BHSD, Layout.BSHD);
            Assert.Equal(x.Shape, back.Shape);
            Assert.Equal(x.Data, back.Data);
            Assert.Equal(x.Data, MemoryLayout.Convert(x, Layout.BSHD, Layout.BSHD).Data);
        });
    }

    [Fact]
    public void ConversionIsNotAReinterpretation()
    {
        var x = Tensor.Random(3, [1, 2, 3, 2]);
        var y = MemoryLayout.Convert(x, Layout.BHSD, Layout.BSHD);
        Assert.NotEqual(x.Data, y.Data); // a Reshape would keep the order and mix heads with tokens
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => MemoryLayout.Convert(new Tensor(2, 3, 4), Layout.BHSD, Layout.BSHD)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => MemoryLayout.Strides(Layout.BHSD, [1, 2, 3])).ParamName);
        Assert.Equal("s", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryLayout.Offset(Layout.BSHD, [1, 2, 3, 4], 0, 1, 3, 0)).ParamName);
        Assert.Equal("layout", Assert.Throws<ArgumentException>(() => MemoryLayout.Strides((Layout)7, [1, 2, 3, 4])).ParamName);
    }
}
