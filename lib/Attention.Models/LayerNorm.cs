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
        Forward(X.Data, residual?.Data, d == 0 ? 0 : X.Length / d, gamma, beta, epsilon, Y.Data);
        return Y;
    }

    /// <summary>
    /// The first <paramref name="rows"/> rows of <paramref name="X"/> (plus <paramref name="residual"/>'s, when given)
    /// normalised into <paramref name="Y"/>, rows of d = γ's length; the arrays may be longer (rented buffers).
    /// </summary>
    /// <exception cref="ArgumentException">β is not [d], or an array holds fewer than rows · d values.</exception>
    public static void Forward(float[] X, float[]? residual, int rows, Tensor gamma, Tensor beta, float epsilon, float[] Y)
    {
        ArgumentNullException.ThrowIfNull(X);
        ArgumentNullException.ThrowIfNull(Y);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Shapes.Require(gamma, nameof(gamma), "[d]", Shapes.Any);
        int d = gamma.Length;
        Shapes.Require(beta, nameof(beta), "[d]", d);
        long needed = (long)rows * d;
        foreach (var (array, name) in new[] { (X, nameof(X)), (residual, nameof(residual)), (Y, nameof(Y)) })
        {
            if (array is not null && array.Length < needed)
            {
                throw new ArgumentException($"{name} must hold [rows, d] = [{rows}, {d}]; it has {array.Length} floats.", name);
            }
        }

        const int Chunk = 32;   // rows per work item: a 512-token input is 16 of them
        Parallel.For(0, (rows + Chunk - 1) / Chunk, c =>
        {
            Span<float> x = d <= 4096 ? stackalloc float[d] : new float[d];
            for (int r = c * Chunk; r < Math.Min(rows, (c + 1) * Chunk); r++)
            {
                X.AsSpan(r * d, d).CopyTo(x);
                if (residual is not null)
                {
                    RowMath.Add(x, residual.AsSpan(r * d, d), x);
                }

                Normalise(x, gamma.Data, beta.Data, epsilon, Y.AsSpan(r * d, d));
            }
        });
    }

    // Optimised at first call, like Gemm's kernels: a notebook's first forward passes would otherwise run it unoptimised.
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
