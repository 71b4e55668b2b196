using Attention;
using CsCheck;

namespace Attention.Tests;

public class RopeScalingTests
{
    private static double Theta(int i, int d, double theta = 10000) => Math.Pow(theta, -2.0 * i / d);

    [Fact]
    public void Interpolation_turns_position_s_times_n_like_the_original_turns_n()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 4], Gen.Int[0, 300], Gen.Int[0, 10_000]).Sample((half, factor, n, seed) =>
        {
            Tensor X = Tensor.Random(seed, [1, 2, 1, 2 * half]);
            Tensor squeezed = Rope.Apply(X, [n * factor], RopeLayout.RotateHalf, RopeScaling.Interpolated(2 * half, factor));
            Assert.True(Tensor.MaxAbsDiff(squeezed, Rope.Apply(X, [n], RopeLayout.RotateHalf)) < 1e-4);
        });
    }

    [Fact]
    public void Explicit_frequencies_equal_to_the_base_ones_give_plain_rope()
    {
        Tensor X = Tensor.Random(3, [2, 3, 5, 8]);
        int[] positions = [0, 7, 3, 100, 4096];
        double[] plain = [.. Enumerable.Range(0, 4).Select(i => Theta(i, 8))];
        foreach (var layout in new[] { RopeLayout.Interleaved, RopeLayout.RotateHalf })
        {
            Assert.True(Tensor.MaxAbsDiff(Rope.Apply(X, positions, layout, plain), Rope.Apply(X, positions, layout)) == 0);
        }

        var ex = Assert.Throws<ArgumentException>(() => Rope.Apply(X, positions, RopeLayout.RotateHalf, new double[3]));
        Assert.Contains("frequencies", ex.Message);
    }

    [Theory]
    [InlineData(64, 4)]
    [InlineData(128, 8)]
    public void Ntk_keeps_the_fastest_pair_and_interpolates_exactly_the_slowest(int d, double s)
    {
        double[] f = RopeScaling.NtkAware(d, s);
        Assert.Equal(1.0, f[0], 12);
        Assert.Equal(Theta((d / 2) - 1, d) / s, f[^1], 12);
        for (int i = 1; i < (d / 2) - 1; i++)
        {
            // Strictly between: kept < ratio < interpolated.
            double ratio = Theta(i, d) / f[i];
            Assert.True(ratio > 1 && ratio < s, $"pair {i}: divided by {ratio}");
        }
    }

    [Fact]
    public void Yarn_keeps_fast_pairs_interpolates_slow_ones_and_ramps_between()
    {
        int d = 64, trained = 64;
        double s = 4;
        double[] f = RopeScaling.Yarn(d, s, trained);
        for (int i = 0; i < d / 2; i++)
        {
            double turns = trained * Theta(i, d) / (2 * Math.PI);
            double expected = turns > 32 ? Theta(i, d) : turns < 1 ? Theta(i, d) / s : double.NaN;
            if (!double.IsNaN(expected))
            {
                Assert.Equal(expected, f[i], 12);
            }
            else
            {
                Assert.True(f[i] < Theta(i, d) && f[i] > Theta(i, d) / s, $"pair {i} ({turns:F1} turns) should be on the ramp");
            }
        }

        Assert.Equal(Math.Pow((0.1 * Math.Log(s)) + 1, 2), RopeScaling.YarnAttentionFactor(s), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => RopeScaling.Interpolated(8, 0.5));
        Assert.Equal(RopeScaling.Interpolated(8, 1), RopeScaling.Yarn(8, 1, 16));
    }
}
