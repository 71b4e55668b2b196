using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Attention;

/// <summary>
/// The per-row steps of softmax and score scaling, at the width of <see cref="Vector{T}"/>, in methods compiled optimised
/// at their first call. They are what TensorPrimitives' Max, Exp, Sum, Multiply and Divide do, hand-written for one reason:
/// in the notebooks' kernel, TensorPrimitives' generic code stayed unoptimised for the whole notebook while the kernel's
/// own methods queued for recompilation ahead of it (a softmax row of 64 cost 5.5 µs there, 73 ns in a console process),
/// and attention calls these once per row. Each element goes through the same operations whatever the row's length: a
/// row's tail is computed in a padded vector.
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
}
