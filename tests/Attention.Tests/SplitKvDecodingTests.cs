using Attention;
using CsCheck;

namespace Attention.Tests;

public class SplitKvDecodingTests
{
    [Fact]
    public void Any_number_of_splits_equals_one_pass_and_the_float64_definition()
    {
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 40], Gen.Int[1, 19], Gen.Int[1, 45], Gen.Int[0, 100_000]).Sample((B, H, group, S, d, splits, seed) =>
        {
            Tensor q = Tensor.Random(seed, [B, H * group, 1, d]), K = Tensor.Random(seed + 1, [B, H, S, d], 2), V = Tensor.Random(seed + 2, [B, H, S, d + 1]);
            Tensor split = SplitKvDecoding.Decode(q, K, V, splits);
            for (int b = 0; b < B; b++)
            {
                for (int h = 0; h < H * group; h++)
                {
                    int kv = h / group;
                    double[] s = [.. Enumerable.Range(0, S).Select(j => Enumerable.Range(0, d).Sum(e => (double)q[b, h, 0, e] * K[b, kv, j, e]) / Math.Sqrt(d))];
                    double m = s.Max(), total = s.Sum(x => Math.Exp(x - m));
                    for (int e = 0; e <= d; e++)
                    {
                        double expected = Enumerable.Range(0, S).Sum(j => Math.Exp(s[j] - m) / total * V[b, kv, j, e]);
                        Assert.True(Math.Abs(split[b, h, 0, e] - expected) < 1e-5, $"B {B} H {H} g {group} S {S} splits {splits}: [{b},{h},{e}] {split[b, h, 0, e]} vs {expected}");
                    }
                }
            }
        });
    }

    [Fact]
    public void An_empty_range_has_no_weight_and_a_lone_query_is_rejected()
    {
        Assert.Equal(double.NegativeInfinity, SplitKvDecoding.Partial([1f, 2f], [], [], 1f, new float[3]));
        var O = new float[2];
        SplitKvDecoding.Merge([1f, 2f, 9f, 9f], [0.0, double.NegativeInfinity], O);
        Assert.Equal([1f, 2f], O);
        var ex = Assert.Throws<ArgumentException>(() => SplitKvDecoding.Decode(new Tensor(1, 1, 2, 4), new Tensor(1, 1, 3, 4), new Tensor(1, 1, 3, 4), 2));
        Assert.Contains("[B, Hq, 1, d]", ex.Message);
    }
}
