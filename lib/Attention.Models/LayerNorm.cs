namespace Attention.Models;

/// <summary>
/// Layer normalisation over the last axis: y = γ ⊙ (x − μ) / √(σ² + ε) + β, with μ and σ² the mean and the (biased)
/// variance of the row. In float64 per row, as the reference of everything else in the course.
/// </summary>
public static class LayerNorm
{
    /// <summary>Normalises every row of <paramref name="X"/> [..., d], or of X + <paramref name="residual"/> when given.</summary>
    /// <param name="X">Input rows [..., d].</param>
    /// <param name="gamma">Scale γ [d].</param>
    /// <param name="beta">Shift β [d].</param>
    /// <param name="epsilon">ε added to the variance.</param>
    /// <param name="residual">
    /// Optional rows of X's shape added first, in float, as <c>X + residual</c> would: a post-LayerNorm block's
    /// LayerNorm(X + sublayer(X)) without the sum as a tensor of its own.
    /// </param>
    public static Tensor Forward(Tensor X, Tensor gamma, Tensor beta, float epsilon, Tensor? residual = null)
    {
        ArgumentNullException.ThrowIfNull(X);
        int d = X.Dim(-1);
        Shapes.Require(gamma, nameof(gamma), "[d]", d);
        Shapes.Require(beta, nameof(beta), "[d]", d);
        if (residual is not null && !residual.Shape.AsSpan().SequenceEqual(X.Shape))
        {
            throw new ArgumentException($"residual must have X's shape {X.ShapeText}; got {residual.ShapeText}.", nameof(residual));
        }

        var Y = new Tensor(X.Shape);
        int rows = d == 0 ? 0 : X.Length / d;
        const int Chunk = 32;   // rows per work item: a 512-token input is 16 of them
        Parallel.For(0, (rows + Chunk - 1) / Chunk, c =>
        {
            Span<float> x = d <= 4096 ? stackalloc float[d] : new float[d];
            for (int r = c * Chunk; r < Math.Min(rows, (c + 1) * Chunk); r++)
            {
                X.Data.AsSpan(r * d, d).CopyTo(x);
                if (residual is not null)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(x, residual.Data.AsSpan(r * d, d), x);
                }

                Normalise(x, gamma.Data, beta.Data, epsilon, Y.Data.AsSpan(r * d, d));
            }
        });

        return Y;
    }

    // Optimised at first call, like Gemm's kernels: it runs thousands of times in a notebook's first forward pass.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Normalise(ReadOnlySpan<float> x, float[] gamma, float[] beta, float epsilon, Span<float> y)
    {
        double mean = 0, variance = 0;
        foreach (float v in x)
        {
            mean += v;
        }

        mean /= x.Length;
        foreach (float v in x)
        {
            variance += (v - mean) * (v - mean);
        }

        double inverse = 1 / Math.Sqrt((variance / x.Length) + epsilon);
        for (int e = 0; e < x.Length; e++)
        {
            y[e] = (float)((gamma[e] * (x[e] - mean) * inverse) + beta[e]);
        }
    }
}
