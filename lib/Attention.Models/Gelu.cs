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
        // Element by element, in chunks over threads when large (BERT's MLP: 786k erf evaluations per layer at 512 tokens).
        const int Chunk = 1 << 14;
        Parallel.For(0, (X.Length + Chunk - 1) / Chunk, c =>
        {
            for (int k = c * Chunk; k < Math.Min(X.Length, (c + 1) * Chunk); k++)
            {
                double x = X.Data[k];
                Y.Data[k] = (float)(x * 0.5 * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2))));
            }
        });

        return Y;
    }
}
