using CsCheck;

namespace Attention.Models.Tests;

/// <summary>LayerNorm against its float64 definition, and its residual form against the sum it saves.</summary>
public class LayerNormTests
{
    [Fact]
    public void Every_row_is_normalised_as_defined_and_the_residual_form_is_the_norm_of_the_sum()
    {
        Gen.Select(Gen.Int[1, 70], Gen.Int[1, 40], Gen.Int[0, 1_000_000]).Sample((rows, d, seed) =>
        {
            var X = Tensor.Random(seed, [rows, d], sigma: 3);
            var R = Tensor.Random(seed + 1, [rows, d]);
            var gamma = Tensor.Random(seed + 2, [d]);
            var beta = Tensor.Random(seed + 3, [d]);
            Tensor Y = LayerNorm.Forward(X, gamma, beta, 1e-5f);
            for (int r = 0; r < rows; r++)
            {
                double mean = Enumerable.Range(0, d).Average(e => (double)X[r, e]);
                double variance = Enumerable.Range(0, d).Average(e => (X[r, e] - mean) * (X[r, e] - mean));
                for (int e = 0; e < d; e++)
                {
                    double expected = (gamma[e] * (X[r, e] - mean) / Math.Sqrt(variance + 1e-5)) + beta[e];
                    Assert.True(Math.Abs(Y[r, e] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"Y[{r}, {e}] = {Y[r, e]}, expected {expected}");
                }
            }

            Assert.Equal(LayerNorm.Forward(X + R, gamma, beta, 1e-5f).Data, LayerNorm.Forward(X, gamma, beta, 1e-5f, residual: R).Data);
        });
    }

    [Fact]
    public void A_residual_of_another_shape_is_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => LayerNorm.Forward(new Tensor(2, 3), new Tensor(3), new Tensor(3), 1e-5f, residual: new Tensor(3, 2)));
        Assert.Equal("residual", ex.ParamName);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[3, 2]", ex.Message);
    }

    [Fact]
    public void The_array_form_gives_the_tensor_forms_bits_in_longer_arrays_and_names_short_ones()
    {
        var X = Tensor.Random(1, [5, 7]);
        var R = Tensor.Random(2, [5, 7]);
        var gamma = Tensor.Random(3, [7]);
        var beta = Tensor.Random(4, [7]);
        float[] x = [.. X.Data, 1f], r = [.. R.Data, 2f], y = new float[36];
        LayerNorm.Forward(x, r, 5, gamma, beta, 1e-5f, y);
        Assert.Equal(LayerNorm.Forward(X, gamma, beta, 1e-5f, residual: R).Data, y[..35]);
        Assert.Equal(0f, y[35]);
        var ex = Assert.Throws<ArgumentException>(() => LayerNorm.Forward(x, new float[34], 5, gamma, beta, 1e-5f, y));
        Assert.Equal("residual", ex.ParamName);
        Assert.Contains("[5, 7]", ex.Message);
    }
}
