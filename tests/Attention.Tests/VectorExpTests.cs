using System.Numerics;
using System.Runtime.Intrinsics;
using CsCheck;

namespace Attention.Tests;

/// <summary>The in-register exp against the float64 exp, at every width.</summary>
public class VectorExpTests
{
    [Fact]
    public void Exp_is_within_two_ulp_of_the_float64_exp_and_the_same_at_every_width()
    {
        Gen.Float[-87.3f, 0f].Array[16].Sample(x =>
        {
            var wide = VectorExp.Exp(Vector512.Create(x));
            var narrow = VectorExp.Exp(Vector256.Create(x.AsSpan(0, 8)));
            var machine = VectorExp.Exp(new Vector<float>(x.AsSpan(0, Vector<float>.Count)));
            for (int k = 0; k < 16; k++)
            {
                float expected = (float)Math.Exp(x[k]);
                if (Math.Abs(wide[k] - expected) > 2 * MathF.BitIncrement(expected) - (2 * expected)
                    || (k < 8 && narrow[k] != wide[k]) || (k < Vector<float>.Count && machine[k] != wide[k]))
                {
                    return false;
                }
            }

            return true;
        }, iter: 2000);
    }

    [Fact]
    public void Exp_is_zero_below_the_normal_floats_and_one_at_zero()
    {
        float[] x = [float.NegativeInfinity, -1e30f, -87.7f, -200f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var wide = VectorExp.Exp(Vector512.Create(x));
        var machine = VectorExp.Exp(new Vector<float>(x.AsSpan(0, Vector<float>.Count)));
        Assert.Equal([0f, 0f, 0f, 0f, 1f], [wide[0], wide[1], wide[2], wide[3], wide[4]]);
        Assert.Equal([0f, 0f, 0f, 0f], [machine[0], machine[1], machine[2], machine[3]]);
    }
}
