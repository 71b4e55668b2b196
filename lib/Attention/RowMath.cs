using System.Numerics;
using System.Runtime.CompilerServices;

namespace Attention;

/// <summary>
/// The per-row and per-key steps of the reference attention (softmax, scaling, dot products, weighted sums), at the width
/// of <see cref="Vector{T}"/>, in methods compiled optimised at their first call. They are what TensorPrimitives' Max,
/// Exp, Sum, Dot, Add, Multiply, MultiplyAdd and Divide do, hand-written for one reason: in the notebooks' kernel,
/// TensorPrimitives' generic code stayed unoptimised for the whole notebook while the kernel's own methods queued for
/// recompilation ahead of it (a softmax row of 64 cost 5.5 µs there, 73 ns in a console process), and attention calls
/// these once per row or per key, so the notebooks timed unoptimised code. In the softmax, each element goes through the
/// same operations whatever the row's length: a row's tail is computed in a padded vector.
/// </summary>
internal static class RowMath
{
    /// <summary>max_j x_j (−∞ for an empty row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Max(ReadOnlySpan<float> x)
    {
        int width = Vector<float>.Count, j = 0;
        float max = float.NegativeInfinity;
        if (x.Length >= width)
        {
            var lanes = new Vector<float>(x);
            for (j = width; j <= x.Length - width; j += width)
            {
                lanes = Vector.Max(lanes, new Vector<float>(x[j..]));
            }

            for (int k = 0; k < width; k++)
            {
                max = MathF.Max(max, lanes[k]);
            }
        }

        for (; j < x.Length; j++)
        {
            max = MathF.Max(max, x[j]);
        }

        return max;
    }

    /// <summary>y_j = e^(x_j − shift) (<see cref="VectorExp"/>); returns Σ_j y_j. x and y may be the same span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ExpShifted(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        int width = Vector<float>.Count, j = 0;
        var m = new Vector<float>(shift);
        Vector<float> sum = Vector<float>.Zero;
        for (; j <= x.Length - width; j += width)
        {
            Vector<float> e = VectorExp.Exp(new Vector<float>(x[j..]) - m);
            e.CopyTo(y[j..]);
            sum += e;
        }

        if (j < x.Length)
        {
            // The tail in a vector padded with −∞, whose lanes give exactly 0.
            Span<float> tail = stackalloc float[width];
            tail.Fill(float.NegativeInfinity);
            x[j..].CopyTo(tail);
            Vector<float> e = VectorExp.Exp(new Vector<float>(tail) - m);
            e.CopyTo(tail);
            tail[..(x.Length - j)].CopyTo(y[j..]);
            sum += e;
        }

        return Vector.Sum(sum);
    }

    /// <summary>y_j ← y_j / d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Divide(Span<float> y, float d)
    {
        int width = Vector<float>.Count, j = 0;
        var divisor = new Vector<float>(d);
        for (; j <= y.Length - width; j += width)
        {
            (new Vector<float>(y[j..]) / divisor).CopyTo(y[j..]);
        }

        for (; j < y.Length; j++)
        {
            y[j] /= d;
        }
    }

    /// <summary>y_j ← y_j · a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(Span<float> y, float a)
    {
        int width = Vector<float>.Count, j = 0;
        var factor = new Vector<float>(a);
        for (; j <= y.Length - width; j += width)
        {
            (new Vector<float>(y[j..]) * factor).CopyTo(y[j..]);
        }

        for (; j < y.Length; j++)
        {
            y[j] *= a;
        }
    }

    /// <summary>Σ_j x_j y_j over spans of one length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int width = Vector<float>.Count, j = 0;
        Vector<float> lanes = Vector<float>.Zero;
        for (; j <= x.Length - width; j += width)
        {
            lanes += new Vector<float>(x[j..]) * new Vector<float>(y[j..]);
        }

        float sum = Vector.Sum(lanes);
        for (; j < x.Length; j++)
        {
            sum += x[j] * y[j];
        }

        return sum;
    }

    /// <summary>z_j = x_j · a + y_j (z may be y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, Span<float> z)
    {
        int width = Vector<float>.Count, j = 0;
        var factor = new Vector<float>(a);
        for (; j <= x.Length - width; j += width)
        {
            ((new Vector<float>(x[j..]) * factor) + new Vector<float>(y[j..])).CopyTo(z[j..]);
        }

        for (; j < x.Length; j++)
        {
            z[j] = (x[j] * a) + y[j];
        }
    }

    /// <summary>z_j = x_j + y_j (z may be x or y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        int width = Vector<float>.Count, j = 0;
        for (; j <= x.Length - width; j += width)
        {
            (new Vector<float>(x[j..]) + new Vector<float>(y[j..])).CopyTo(z[j..]);
        }

        for (; j < x.Length; j++)
        {
            z[j] = x[j] + y[j];
        }
    }
}
