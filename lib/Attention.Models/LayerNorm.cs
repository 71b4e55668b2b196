namespace Attention.Models;

/// <summary>
/// Layer normalisation over the last axis: y = γ ⊙ (x − μ) / √(σ² + ε) + β, with μ and σ² the mean and the (biased)
/// variance of the row. In float64 per row, as the reference of everything else in the course.
/// </summary>
public static class LayerNorm
{
    /// <summary>Normalises every row of <paramref name="X"/> [..., d].</summary>
    /// <param name="X">Input rows [..., d].</param>
    /// <param name="gamma">Scale γ [d].</param>
    /// <param name="beta">Shift β [d].</param>
    /// <param name="epsilon">ε added to the variance.</param>
    public static Tensor Forward(Tensor X, Tensor gamma, Tensor beta, float epsilon)
    {
        ArgumentNullException.ThrowIfNull(X);
        int d = X.Dim(-1);
        Shapes.Require(gamma, nameof(gamma), "[d]", d);
        Shapes.Require(beta, nameof(beta), "[d]", d);
        var Y = new Tensor(X.Shape);
        for (int r = 0; r < X.Length / d; r++)
        {
            ReadOnlySpan<float> x = X.Data.AsSpan(r * d, d);
            double mean = 0, variance = 0;
            foreach (float v in x)
            {
                mean += v;
            }

            mean /= d;
            foreach (float v in x)
            {
                variance += (v - mean) * (v - mean);
            }

            double inverse = 1 / Math.Sqrt((variance / d) + epsilon);
            Span<float> y = Y.Data.AsSpan(r * d, d);
            for (int e = 0; e < d; e++)
            {
                y[e] = (float)((gamma.Data[e] * (x[e] - mean) * inverse) + beta.Data[e]);
            }
        }

        return Y;
    }
}
