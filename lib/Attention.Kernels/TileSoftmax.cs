using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Attention.Kernels;

/// <summary>
/// The online-softmax step of one score row in one pass: p = exp(s − m) written over s and Σ p returned, with exp
/// evaluated in registers (<see cref="VectorExp"/>, within 2 ulp). Separate max, subtract, exp and sum calls
/// would read the row four times and pay four calls per row per tile. Both widths compute every lane with the same
/// operations and sum 16 lanes in the same order, so the kernel stays bit-for-bit the same at either width.
/// </summary>
internal static class TileSoftmax
{
    /// <summary>
    /// One row's online-softmax step over one tile: m ← max(m, max_j s[j]); s[j] ← exp(s[j] − m); l ← α l + Σ_j s[j]; the
    /// row's unnormalised output scaled by α = exp(m_old − m). Masked scores are −∞ (p = 0); at least one is finite.
    /// </summary>
    public static void Update(KernelWidth width, Span<float> s, ref float m, ref float l, Span<float> output)
    {
        float mNew = Math.Max(m, Max(width, s));
        float alpha = float.IsNegativeInfinity(m) ? 0 : MathF.Exp(m - mNew);
        l = (alpha * l) + ExpSum(width, s, mNew);
        m = mNew;
        if (alpha != 1)
        {
            Scale(width, output, alpha);
        }
    }

    /// <summary>max_j s[j] over a row of whole micro-kernel steps (16 or 64 floats).</summary>
    private static float Max(KernelWidth width, Span<float> s)
    {
        ref float x = ref MemoryMarshal.GetReference(s);
        Vector256<float> max;
        // Independent running maxima (a row is whole micro-kernel steps: 64 floats at Vector512, 16 at Vector256), so the
        // max instructions do not wait on each other; max is exact in any order, so both widths still agree bit for bit.
        if (width == KernelWidth.Vector512)
        {
            Vector512<float> a0 = Vector512.Create(float.NegativeInfinity), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < s.Length; j += 64)
            {
                a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref x, (nuint)j));
                a1 = Vector512.Max(a1, Vector512.LoadUnsafe(ref x, (nuint)j + 16));
                a2 = Vector512.Max(a2, Vector512.LoadUnsafe(ref x, (nuint)j + 32));
                a3 = Vector512.Max(a3, Vector512.LoadUnsafe(ref x, (nuint)j + 48));
            }

            Vector512<float> acc = Vector512.Max(Vector512.Max(a0, a1), Vector512.Max(a2, a3));
            max = Vector256.Max(acc.GetLower(), acc.GetUpper());
        }
        else
        {
            Vector256<float> a0 = Vector256.Create(float.NegativeInfinity), a1 = a0;
            for (int j = 0; j < s.Length; j += 16)
            {
                a0 = Vector256.Max(a0, Vector256.LoadUnsafe(ref x, (nuint)j));
                a1 = Vector256.Max(a1, Vector256.LoadUnsafe(ref x, (nuint)j + 8));
            }

            max = Vector256.Max(a0, a1);
        }

        return Vector256.Max(max, Vector256.Shuffle(max, Vector256.Create(4, 5, 6, 7, 0, 1, 2, 3))) is var h
            && Vector128.Max(h.GetLower(), Vector128.Shuffle(h.GetLower(), Vector128.Create(2, 3, 0, 1))) is var q
            ? Math.Max(q[0], q[1]) : float.NaN;
    }

    /// <summary>o ← α o over a row whose length is a multiple of 16.</summary>
    private static void Scale(KernelWidth width, Span<float> o, float alpha)
    {
        ref float x = ref MemoryMarshal.GetReference(o);
        if (width == KernelWidth.Vector512)
        {
            for (int j = 0; j < o.Length; j += 16)
            {
                (Vector512.LoadUnsafe(ref x, (nuint)j) * alpha).StoreUnsafe(ref x, (nuint)j);
            }
        }
        else
        {
            for (int j = 0; j < o.Length; j += 8)
            {
                (Vector256.LoadUnsafe(ref x, (nuint)j) * alpha).StoreUnsafe(ref x, (nuint)j);
            }
        }
    }

    /// <summary>s[j] ← exp(s[j] − m) over a row of whole micro-kernel steps (16 or 64 floats); returns Σ_j s[j].</summary>
    private static float ExpSum(KernelWidth width, Span<float> s, float m)
    {
        ref float x = ref MemoryMarshal.GetReference(s);
        Vector256<float> sum;
        if (width == KernelWidth.Vector512)
        {
            Vector512<float> acc = Vector512<float>.Zero, mv = Vector512.Create(m);
            // Four independent exps per iteration (a row at this width is whole 64-float steps): one exp is a chain of ~20
            // dependent operations, and the scheduler overlaps chains it sees close together. The sum keeps its order.
            for (int j = 0; j < s.Length; j += 64)
            {
                Vector512<float> p0 = VectorExp.Exp(Vector512.LoadUnsafe(ref x, (nuint)j) - mv);
                Vector512<float> p1 = VectorExp.Exp(Vector512.LoadUnsafe(ref x, (nuint)j + 16) - mv);
                Vector512<float> p2 = VectorExp.Exp(Vector512.LoadUnsafe(ref x, (nuint)j + 32) - mv);
                Vector512<float> p3 = VectorExp.Exp(Vector512.LoadUnsafe(ref x, (nuint)j + 48) - mv);
                p0.StoreUnsafe(ref x, (nuint)j);
                p1.StoreUnsafe(ref x, (nuint)j + 16);
                p2.StoreUnsafe(ref x, (nuint)j + 32);
                p3.StoreUnsafe(ref x, (nuint)j + 48);
                acc += p0;
                acc += p1;
                acc += p2;
                acc += p3;
            }

            sum = acc.GetLower() + acc.GetUpper();
        }
        else
        {
            Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero, mv = Vector256.Create(m);
            for (int j = 0; j < s.Length; j += 16)
            {
                Vector256<float> p0 = VectorExp.Exp(Vector256.LoadUnsafe(ref x, (nuint)j) - mv);
                Vector256<float> p1 = VectorExp.Exp(Vector256.LoadUnsafe(ref x, (nuint)(j + 8)) - mv);
                p0.StoreUnsafe(ref x, (nuint)j);
                p1.StoreUnsafe(ref x, (nuint)(j + 8));
                lo += p0;
                hi += p1;
            }

            sum = lo + hi;
        }

        return ((sum[0] + sum[1]) + (sum[2] + sum[3])) + ((sum[4] + sum[5]) + (sum[6] + sum[7]));
    }
}
