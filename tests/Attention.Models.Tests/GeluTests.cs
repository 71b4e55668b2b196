using CsCheck;
using MathNet.Numerics;

namespace Attention.Models.Tests;

/// <summary>GELU against x · Φ(x) computed in float64 with MathNet's erf, over the whole float range BERT feeds it.</summary>
public class GeluTests
{
    [Fact]
    public void Gelu_matches_x_times_the_Gaussian_CDF_to_float_precision()
    {
        // Both tails matter: GELU(−8) ≈ −5e−15 must keep its relative precision, GELU(8) ≈ 8 its absolute one.
        Gen.Single[-12f, 12f].Array[1, 40_000].Sample(values =>
        {
            Tensor Y = Gelu.Forward(new Tensor(values, values.Length));
            for (int k = 0; k < values.Length; k++)
            {
                double x = values[k];
                double expected = x * 0.5 * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2)));
                if (x < -4)
                {
                    expected = x * 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2));
                }

                // Float rounding of the exponent −x²/2 costs a relative 6e−8 · x² on top of a few float ulps (the fit itself is within 1.2e−7).
                double error = Math.Abs(Y.Data[k] - expected);
                Assert.True(error <= ((1e-6 + (6e-8 * x * x)) * Math.Abs(expected)) + 1e-30, $"GELU({x:R}) = {Y.Data[k]:R}, expected {expected:R} (error {error:E2}).");
            }
        });
    }

    [Fact]
    public void Gelu_in_place_in_a_longer_array_gives_the_same_bits_and_leaves_the_rest()
    {
        // The BERT MLP applies it in place to a rented buffer: an in-place pass must not read what it already wrote.
        Gen.Single[-12f, 12f].Array[1, 10_000].Sample(values =>
        {
            float[] buffer = [.. values, 42f];
            Gelu.Forward(buffer, buffer, values.Length);
            Assert.Equal(Gelu.Forward(new Tensor(values, values.Length)).Data, buffer[..^1]);
            Assert.Equal(42f, buffer[^1]);
        });
    }
}
