using MathNet.Numerics;

namespace Attention.Models;

/// <summary>GELU with the exact Gaussian CDF, as BERT exports it: gelu(x) = x · ½ (1 + erf(x / √2)).</summary>
public static class Gelu
{
    /// <summary>GELU applied to every element of <paramref name="X"/>, into a new tensor.</summary>
    public static Tensor Forward(Tensor X)
    {
        ArgumentNullException.ThrowIfNull(X);
        var Y = new Tensor(X.Shape);
        for (int k = 0; k < X.Length; k++)
        {
            double x = X.Data[k];
            Y.Data[k] = (float)(x * 0.5 * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2))));
        }

        return Y;
    }
}
