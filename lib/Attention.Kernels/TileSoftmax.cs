using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Attention.Kernels;

/// <summary>
/// The online-softmax step of one score row in one pass: p = exp(s − m) written over s and Σ p returned, with exp
/// evaluated in registers (Cephes' single-precision polynomial, within 2 ulp). Separate max, subtract, exp and sum calls
/// would read the row four times and pay four calls per row per tile. Both widths compute every lane with the same
/// operations and sum 16 lanes in the same order, so the kernel stays bit-for-bit the same at either width.
/// </summary>
internal static class TileSoftmax
{
    private const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float Shifter = 12582912f;     // 1.5 · 2²³
    private const int ShifterBits = 0x4B400000;   // its bits: t's bits minus these are n
    private const float Lowest = -100f;          // x is clamped here (−∞ masks too) so r stays finite; 2ⁿ with n ≤ −127 is 0

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
                Vector512<float> p0 = Exp(Vector512.LoadUnsafe(ref x, (nuint)j) - mv);
                Vector512<float> p1 = Exp(Vector512.LoadUnsafe(ref x, (nuint)j + 16) - mv);
                Vector512<float> p2 = Exp(Vector512.LoadUnsafe(ref x, (nuint)j + 32) - mv);
                Vector512<float> p3 = Exp(Vector512.LoadUnsafe(ref x, (nuint)j + 48) - mv);
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
                Vector256<float> p0 = Exp(Vector256.LoadUnsafe(ref x, (nuint)j) - mv);
                Vector256<float> p1 = Exp(Vector256.LoadUnsafe(ref x, (nuint)(j + 8)) - mv);
                p0.StoreUnsafe(ref x, (nuint)j);
                p1.StoreUnsafe(ref x, (nuint)(j + 8));
                lo += p0;
                hi += p1;
            }

            sum = lo + hi;
        }

        return ((sum[0] + sum[1]) + (sum[2] + sum[3])) + ((sum[4] + sum[5]) + (sum[6] + sum[7]));
    }

    /// <summary>e^x lane by lane: x = n ln 2 + r, e^r by a degree-7 polynomial in |r| ≤ ln 2 / 2, 2ⁿ put in the exponent
    /// bits; 0 where n ≤ −127 (x ≤ −87.7, below the normal floats), so masked scores (−∞) give exactly 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Max(x, Vector512.Create(Lowest));
        // Rounding by adding 1.5·2²³: the sum's bits minus the shifter's are n = round(x log₂e), and 2ⁿ is (n + 127) << 23.
        Vector512<float> t = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(Shifter));
        Vector512<float> n = t - Vector512.Create(Shifter);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        Vector512<float> p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        Vector512<int> scale = Vector512.Max(t.AsInt32() - Vector512.Create(ShifterBits - 127), Vector512<int>.Zero) << 23;
        return p * scale.AsSingle();
    }

    /// <summary>The same function at Vector256: the same operations lane by lane, so the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Max(x, Vector256.Create(Lowest));
        // Rounding by adding 1.5·2²³: the sum's bits minus the shifter's are n = round(x log₂e), and 2ⁿ is (n + 127) << 23.
        Vector256<float> t = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(Shifter));
        Vector256<float> n = t - Vector256.Create(Shifter);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        Vector256<float> p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        Vector256<int> scale = Vector256.Max(t.AsInt32() - Vector256.Create(ShifterBits - 127), Vector256<int>.Zero) << 23;
        return p * scale.AsSingle();
    }
}
