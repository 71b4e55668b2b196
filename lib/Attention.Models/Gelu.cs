using System.Numerics;

namespace Attention.Models;

/// <summary>
/// GELU with the exact Gaussian CDF, as BERT exports it: gelu(x) = x · Φ(x) = x · ½ (1 + erf(x / √2)) = x · ½ erfc(−x / √2).
/// </summary>
public static class Gelu
{
    // c₉ … c₀ of Numerical Recipes' Chebyshev fit of erfc (§6.2), highest power first for Horner's rule.
    private static readonly float[] ErfcCoefficients =
        [0.17087277f, -0.82215223f, 1.48851587f, -1.13520398f, 0.27886807f, -0.18628806f, 0.09678418f, 0.37409196f, 1.00002368f, -1.26551223f];

    /// <summary>GELU applied to every element of <paramref name="X"/>, into a new tensor.</summary>
    /// <remarks>
    /// erfc(z) = t · exp(−z² + P(t)) with t = 1 / (1 + |z|/2) for z ≥ 0, and 2 − erfc(−z) below: the fit's relative error
    /// is under 1.2·10⁻⁷ in both tails. Computed in float, lane by lane at the width of <see cref="Vector{T}"/> with <see cref="VectorExp"/>'s exp (BERT's MLP:
    /// 786k values per layer at 512 tokens): within a few float ulps, plus a relative 6·10⁻⁸ · x² from rounding the exponent −x²/2
    /// (GeluTests holds it to 10⁻⁶ + 6·10⁻⁸ · x² of x Φ(x) in float64).
    /// </remarks>
    public static Tensor Forward(Tensor X)
    {
        ArgumentNullException.ThrowIfNull(X);
        var Y = new Tensor(X.Shape);
        Forward(X.Data, Y.Data, X.Length);
        return Y;
    }

    /// <summary>GELU of the first <paramref name="count"/> values of <paramref name="x"/> into <paramref name="y"/>, which may be <paramref name="x"/> itself.</summary>
    /// <exception cref="ArgumentException">An array holds fewer than <paramref name="count"/> values.</exception>
    public static void Forward(float[] x, float[] y, int count)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (x.Length < count || y.Length < count)
        {
            throw new ArgumentException($"x and y must hold count = {count} values; they hold {x.Length} and {y.Length}.", x.Length < count ? nameof(x) : nameof(y));
        }

        const int Chunk = 4096;
        Parallel.For(0, (count + Chunk - 1) / Chunk, c =>
        {
            int start = c * Chunk, length = Math.Min(Chunk, count - start);
            Apply(x.AsSpan(start, length), y.AsSpan(start, length));
        });
    }

    // Optimised at first call, and every step inlined into it (Vector<float> and VectorExp): as TensorPrimitives calls,
    // seventeen per chunk, the steps ran unoptimised in the notebooks' kernel for most of a notebook.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        int width = Vector<float>.Count, k = 0;
        for (; k <= x.Length - width; k += width)
        {
            Lanes(new Vector<float>(x[k..])).CopyTo(y[k..]);
        }

        if (k < x.Length)
        {
            Span<float> tail = stackalloc float[width];
            tail.Clear();
            x[k..].CopyTo(tail);
            Lanes(new Vector<float>(tail)).CopyTo(tail);
            tail[..(x.Length - k)].CopyTo(y[k..]);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Lanes(Vector<float> x)
    {
        // z = −x/√2 is the erfc argument; t = 1 / (1 + |z|/2) = 1 / (1 + |x| / (2√2)).
        Vector<float> t = Vector<float>.One / ((Vector.Abs(x) * new Vector<float>(1 / (2 * MathF.Sqrt(2)))) + Vector<float>.One);
        var p = new Vector<float>(ErfcCoefficients[0]);
        for (int i = 1; i < ErfcCoefficients.Length; i++)
        {
            p = (p * t) + new Vector<float>(ErfcCoefficients[i]);
        }

        // −z² = x · (−x/2), one rounding with the fused multiply-add; then r = erfc(|z|) = t · exp(−z² + P(t)).
        p = Vector.FusedMultiplyAdd(x, x * new Vector<float>(-0.5f), p);
        p = VectorExp.Exp(p) * t;

        // gelu = x · ½ erfc(z): erfc(z) = r where z ≥ 0 (x ≤ 0), 2 − r where z < 0.
        Vector<float> half = new Vector<float>(0.5f) * x;
        return Vector.ConditionalSelect(Vector.LessThanOrEqual(x, Vector<float>.Zero), half * p, x - (half * p));
    }
}
