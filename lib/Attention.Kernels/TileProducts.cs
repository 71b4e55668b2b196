using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Attention.Kernels;

/// <summary>
/// The two products of a FlashAttention tile as register-blocked micro-kernels, at either SIMD width. Each step keeps a
/// block of query rows × column registers in accumulators for the whole inner loop, enough independent FMA chains to
/// cover the FMA latency on two pipes: Vector256 6 rows × 2 registers (12 accumulators of the 16 AVX2 registers),
/// Vector512 6 rows × 4 registers (24 of the 32 AVX-512 registers, a whole 64-float value row per step: each K or V
/// vector loaded serves six FMAs, against four with 4 rows). Pointers are
/// bumped, not recomputed, so the loop body is the loads and the FMAs. <see cref="TiledAttention"/> pads rows to
/// <see cref="Rows"/> and tiles and value rows to <see cref="Columns"/>.
/// </summary>
internal static class TileProducts
{
    /// <summary>Query rows per micro-kernel step at <paramref name="width"/>.</summary>
    public static int Rows(KernelWidth width) => 6;

    /// <summary>Columns per micro-kernel step at <paramref name="width"/>.</summary>
    public static int Columns(KernelWidth width) => width == KernelWidth.Vector512 ? 64 : 16;

    /// <summary>
    /// S[r, j] = Σ_e Q[r, e] Kᵀ[e, j] for r &lt; rows and j &lt; Bc (both whole steps), except the columns no row of a
    /// step can see: row r sees j &lt; <paramref name="diagonal"/> + r + 1 (causal; a large value sees everything), so a
    /// step of rows stops at its last row's limit rounded up to a whole step. Kᵀ rows are <paramref name="stride"/>
    /// apart, S rows Bc apart; the columns left out hold whatever they held.
    /// </summary>
    public static void Scores(KernelWidth width, ReadOnlySpan<float> queries, ReadOnlySpan<float> keysT, int stride, Span<float> scores, int rows, int E, int Bc, long diagonal)
    {
        ref float q = ref MemoryMarshal.GetReference(queries);
        ref float kt = ref MemoryMarshal.GetReference(keysT);
        ref float s = ref MemoryMarshal.GetReference(scores);
        int step = Rows(width), columns = Columns(width);
        for (int r = 0; r < rows; r += step)
        {
            int seen = (int)Math.Clamp(diagonal + r + step, 0, Bc);
            for (int j = 0; j < seen; j += columns)
            {
                ref float qr = ref Unsafe.Add(ref q, r * E);
                ref float kj = ref Unsafe.Add(ref kt, j);
                ref float sr = ref Unsafe.Add(ref s, (r * Bc) + j);
                if (width == KernelWidth.Vector512)
                {
                    Scores6x4(ref qr, ref kj, ref sr, E, stride, Bc);
                }
                else
                {
                    Scores6x2(ref qr, ref kj, ref sr, E, stride, Bc);
                }
            }
        }
    }

    /// <summary>
    /// O[r, c] += Σ_{j &lt; cols} P[r, j] V[j, c] for r &lt; rows (any count) and c &lt; EvPadded (whole steps), the sum
    /// stopping where no row of a step sees (j &lt; <paramref name="diagonal"/> + r + 1, as in <see cref="Scores"/>: P is
    /// zero beyond a row's own limit). V rows are <paramref name="stride"/> apart, P rows Bc apart, O rows EvPadded apart.
    /// </summary>
    public static void Accumulate(KernelWidth width, ReadOnlySpan<float> weights, ReadOnlySpan<float> values, int stride, Span<float> output, int rows, int EvPadded, int cols, int Bc, long diagonal)
    {
        ref float p = ref MemoryMarshal.GetReference(weights);
        ref float v = ref MemoryMarshal.GetReference(values);
        ref float o = ref MemoryMarshal.GetReference(output);
        int step = Rows(width), columns = Columns(width);
        for (int r = 0; r < rows; r += step)
        {
            int seen = (int)Math.Clamp(diagonal + r + Math.Min(step, rows - r), 0, cols);   // keys any row of this step sees
            for (int c = 0; c < EvPadded; c += columns)
            {
                ref float pr = ref Unsafe.Add(ref p, r * Bc);
                ref float vc = ref Unsafe.Add(ref v, c);
                ref float or = ref Unsafe.Add(ref o, (r * EvPadded) + c);
                if (rows - r < step)
                {
                    // The last rows one at a time (a decode step has one): the same sums, without the padded rows' work.
                    for (int i = 0; i < rows - r; i++)
                    {
                        AccumulateRow(width, ref Unsafe.Add(ref pr, i * Bc), ref vc, ref Unsafe.Add(ref or, i * EvPadded), seen, stride);
                    }
                }
                else if (width == KernelWidth.Vector512)
                {
                    Accumulate6x4(ref pr, ref vc, ref or, seen, stride, Bc, EvPadded);
                }
                else
                {
                    Accumulate6x2(ref pr, ref vc, ref or, seen, stride, Bc, EvPadded);
                }
            }
        }
    }

    // One row × one step of columns: O[c] += Σ_j p[j] v[j, c], in the same order as the blocked kernels.
    private static void AccumulateRow(KernelWidth width, ref float p, ref float v, ref float o, int cols, int stride)
    {
        if (width == KernelWidth.Vector512)
        {
            Vector512<float> a0 = Vector512.LoadUnsafe(ref o), a1 = Vector512.LoadUnsafe(ref o, 16), a2 = Vector512.LoadUnsafe(ref o, 32), a3 = Vector512.LoadUnsafe(ref o, 48);
            for (int j = 0; j < cols; j++)
            {
                Vector512<float> b = Vector512.Create(p);
                a0 = Vector512.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref v), a0);
                a1 = Vector512.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref v, 16), a1);
                a2 = Vector512.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref v, 32), a2);
                a3 = Vector512.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref v, 48), a3);
                p = ref Unsafe.Add(ref p, 1);
                v = ref Unsafe.Add(ref v, stride);
            }

            Store4(a0, a1, a2, a3, ref o);
        }
        else
        {
            Vector256<float> a0 = Vector256.LoadUnsafe(ref o), a1 = Vector256.LoadUnsafe(ref o, 8);
            for (int j = 0; j < cols; j++)
            {
                Vector256<float> b = Vector256.Create(p);
                a0 = Vector256.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref v), a0);
                a1 = Vector256.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref v, 8), a1);
                p = ref Unsafe.Add(ref p, 1);
                v = ref Unsafe.Add(ref v, stride);
            }

            Store2(a0, a1, ref o);
        }
    }

    // 6 rows × 16 keys: S[i, j] = Σ_e q[i, e] kᵀ[e, j], q rows E apart, kᵀ rows stride apart, S rows Bc apart.
    private static void Scores6x2(ref float q, ref float k, ref float s, int E, int stride, int Bc)
    {
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector256<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        nint e1 = E, e2 = 2 * E, e3 = 3 * E, e4 = 4 * E, e5 = 5 * E;
        for (int e = 0; e < E; e++)
        {
            Vector256<float> k0 = Vector256.LoadUnsafe(ref k), k1 = Vector256.LoadUnsafe(ref k, 8);
            Vector256<float> b = Vector256.Create(q);
            a00 = Vector256.FusedMultiplyAdd(b, k0, a00);
            a01 = Vector256.FusedMultiplyAdd(b, k1, a01);
            b = Vector256.Create(Unsafe.Add(ref q, e1));
            a10 = Vector256.FusedMultiplyAdd(b, k0, a10);
            a11 = Vector256.FusedMultiplyAdd(b, k1, a11);
            b = Vector256.Create(Unsafe.Add(ref q, e2));
            a20 = Vector256.FusedMultiplyAdd(b, k0, a20);
            a21 = Vector256.FusedMultiplyAdd(b, k1, a21);
            b = Vector256.Create(Unsafe.Add(ref q, e3));
            a30 = Vector256.FusedMultiplyAdd(b, k0, a30);
            a31 = Vector256.FusedMultiplyAdd(b, k1, a31);
            b = Vector256.Create(Unsafe.Add(ref q, e4));
            a40 = Vector256.FusedMultiplyAdd(b, k0, a40);
            a41 = Vector256.FusedMultiplyAdd(b, k1, a41);
            b = Vector256.Create(Unsafe.Add(ref q, e5));
            a50 = Vector256.FusedMultiplyAdd(b, k0, a50);
            a51 = Vector256.FusedMultiplyAdd(b, k1, a51);
            q = ref Unsafe.Add(ref q, 1);
            k = ref Unsafe.Add(ref k, stride);
        }

        Store2(a00, a01, ref s);
        Store2(a10, a11, ref Unsafe.Add(ref s, Bc));
        Store2(a20, a21, ref Unsafe.Add(ref s, 2 * Bc));
        Store2(a30, a31, ref Unsafe.Add(ref s, 3 * Bc));
        Store2(a40, a41, ref Unsafe.Add(ref s, 4 * Bc));
        Store2(a50, a51, ref Unsafe.Add(ref s, 5 * Bc));
    }

    // 6 rows × 16 output features: O[i, c] += Σ_j p[i, j] v[j, c], p rows Bc apart, v rows stride apart, O rows EvPadded apart.
    private static void Accumulate6x2(ref float p, ref float v, ref float o, int cols, int stride, int Bc, int EvPadded)
    {
        ref float o1 = ref Unsafe.Add(ref o, EvPadded), o2 = ref Unsafe.Add(ref o, 2 * EvPadded), o3 = ref Unsafe.Add(ref o, 3 * EvPadded);
        ref float o4 = ref Unsafe.Add(ref o, 4 * EvPadded), o5 = ref Unsafe.Add(ref o, 5 * EvPadded);
        Vector256<float> a00 = Vector256.LoadUnsafe(ref o), a01 = Vector256.LoadUnsafe(ref o, 8);
        Vector256<float> a10 = Vector256.LoadUnsafe(ref o1), a11 = Vector256.LoadUnsafe(ref o1, 8);
        Vector256<float> a20 = Vector256.LoadUnsafe(ref o2), a21 = Vector256.LoadUnsafe(ref o2, 8);
        Vector256<float> a30 = Vector256.LoadUnsafe(ref o3), a31 = Vector256.LoadUnsafe(ref o3, 8);
        Vector256<float> a40 = Vector256.LoadUnsafe(ref o4), a41 = Vector256.LoadUnsafe(ref o4, 8);
        Vector256<float> a50 = Vector256.LoadUnsafe(ref o5), a51 = Vector256.LoadUnsafe(ref o5, 8);
        nint b1 = Bc, b2 = 2 * Bc, b3 = 3 * Bc, b4 = 4 * Bc, b5 = 5 * Bc;
        for (int j = 0; j < cols; j++)
        {
            Vector256<float> v0 = Vector256.LoadUnsafe(ref v), v1 = Vector256.LoadUnsafe(ref v, 8);
            Vector256<float> b = Vector256.Create(p);
            a00 = Vector256.FusedMultiplyAdd(b, v0, a00);
            a01 = Vector256.FusedMultiplyAdd(b, v1, a01);
            b = Vector256.Create(Unsafe.Add(ref p, b1));
            a10 = Vector256.FusedMultiplyAdd(b, v0, a10);
            a11 = Vector256.FusedMultiplyAdd(b, v1, a11);
            b = Vector256.Create(Unsafe.Add(ref p, b2));
            a20 = Vector256.FusedMultiplyAdd(b, v0, a20);
            a21 = Vector256.FusedMultiplyAdd(b, v1, a21);
            b = Vector256.Create(Unsafe.Add(ref p, b3));
            a30 = Vector256.FusedMultiplyAdd(b, v0, a30);
            a31 = Vector256.FusedMultiplyAdd(b, v1, a31);
            b = Vector256.Create(Unsafe.Add(ref p, b4));
            a40 = Vector256.FusedMultiplyAdd(b, v0, a40);
            a41 = Vector256.FusedMultiplyAdd(b, v1, a41);
            b = Vector256.Create(Unsafe.Add(ref p, b5));
            a50 = Vector256.FusedMultiplyAdd(b, v0, a50);
            a51 = Vector256.FusedMultiplyAdd(b, v1, a51);
            p = ref Unsafe.Add(ref p, 1);
            v = ref Unsafe.Add(ref v, stride);
        }

        Store2(a00, a01, ref o);
        Store2(a10, a11, ref o1);
        Store2(a20, a21, ref o2);
        Store2(a30, a31, ref o3);
        Store2(a40, a41, ref o4);
        Store2(a50, a51, ref o5);
    }

    // 6 rows × 64 keys: S[i, j] = Σ_e q[i, e] kᵀ[e, j].
    private static void Scores6x4(ref float q, ref float k, ref float s, int E, int stride, int Bc)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default;
        Vector512<float> a50 = default, a51 = default, a52 = default, a53 = default;
        nint e1 = E, e2 = 2 * E, e3 = 3 * E, e4 = 4 * E, e5 = 5 * E;
        for (int e = 0; e < E; e++)
        {
            Vector512<float> k0 = Vector512.LoadUnsafe(ref k), k1 = Vector512.LoadUnsafe(ref k, 16);
            Vector512<float> k2 = Vector512.LoadUnsafe(ref k, 32), k3 = Vector512.LoadUnsafe(ref k, 48);
            Vector512<float> b = Vector512.Create(q);
            a00 = Vector512.FusedMultiplyAdd(b, k0, a00);
            a01 = Vector512.FusedMultiplyAdd(b, k1, a01);
            a02 = Vector512.FusedMultiplyAdd(b, k2, a02);
            a03 = Vector512.FusedMultiplyAdd(b, k3, a03);
            b = Vector512.Create(Unsafe.Add(ref q, e1));
            a10 = Vector512.FusedMultiplyAdd(b, k0, a10);
            a11 = Vector512.FusedMultiplyAdd(b, k1, a11);
            a12 = Vector512.FusedMultiplyAdd(b, k2, a12);
            a13 = Vector512.FusedMultiplyAdd(b, k3, a13);
            b = Vector512.Create(Unsafe.Add(ref q, e2));
            a20 = Vector512.FusedMultiplyAdd(b, k0, a20);
            a21 = Vector512.FusedMultiplyAdd(b, k1, a21);
            a22 = Vector512.FusedMultiplyAdd(b, k2, a22);
            a23 = Vector512.FusedMultiplyAdd(b, k3, a23);
            b = Vector512.Create(Unsafe.Add(ref q, e3));
            a30 = Vector512.FusedMultiplyAdd(b, k0, a30);
            a31 = Vector512.FusedMultiplyAdd(b, k1, a31);
            a32 = Vector512.FusedMultiplyAdd(b, k2, a32);
            a33 = Vector512.FusedMultiplyAdd(b, k3, a33);
            b = Vector512.Create(Unsafe.Add(ref q, e4));
            a40 = Vector512.FusedMultiplyAdd(b, k0, a40);
            a41 = Vector512.FusedMultiplyAdd(b, k1, a41);
            a42 = Vector512.FusedMultiplyAdd(b, k2, a42);
            a43 = Vector512.FusedMultiplyAdd(b, k3, a43);
            b = Vector512.Create(Unsafe.Add(ref q, e5));
            a50 = Vector512.FusedMultiplyAdd(b, k0, a50);
            a51 = Vector512.FusedMultiplyAdd(b, k1, a51);
            a52 = Vector512.FusedMultiplyAdd(b, k2, a52);
            a53 = Vector512.FusedMultiplyAdd(b, k3, a53);
            q = ref Unsafe.Add(ref q, 1);
            k = ref Unsafe.Add(ref k, stride);
        }

        Store4(a00, a01, a02, a03, ref s);
        Store4(a10, a11, a12, a13, ref Unsafe.Add(ref s, Bc));
        Store4(a20, a21, a22, a23, ref Unsafe.Add(ref s, 2 * Bc));
        Store4(a30, a31, a32, a33, ref Unsafe.Add(ref s, 3 * Bc));
        Store4(a40, a41, a42, a43, ref Unsafe.Add(ref s, 4 * Bc));
        Store4(a50, a51, a52, a53, ref Unsafe.Add(ref s, 5 * Bc));
    }

    // 6 rows × 64 output features: O[i, c] += Σ_j p[i, j] v[j, c].
    private static void Accumulate6x4(ref float p, ref float v, ref float o, int cols, int stride, int Bc, int EvPadded)
    {
        ref float o1 = ref Unsafe.Add(ref o, EvPadded), o2 = ref Unsafe.Add(ref o, 2 * EvPadded), o3 = ref Unsafe.Add(ref o, 3 * EvPadded);
        ref float o4 = ref Unsafe.Add(ref o, 4 * EvPadded), o5 = ref Unsafe.Add(ref o, 5 * EvPadded);
        Vector512<float> a00 = Vector512.LoadUnsafe(ref o), a01 = Vector512.LoadUnsafe(ref o, 16), a02 = Vector512.LoadUnsafe(ref o, 32), a03 = Vector512.LoadUnsafe(ref o, 48);
        Vector512<float> a10 = Vector512.LoadUnsafe(ref o1), a11 = Vector512.LoadUnsafe(ref o1, 16), a12 = Vector512.LoadUnsafe(ref o1, 32), a13 = Vector512.LoadUnsafe(ref o1, 48);
        Vector512<float> a20 = Vector512.LoadUnsafe(ref o2), a21 = Vector512.LoadUnsafe(ref o2, 16), a22 = Vector512.LoadUnsafe(ref o2, 32), a23 = Vector512.LoadUnsafe(ref o2, 48);
        Vector512<float> a30 = Vector512.LoadUnsafe(ref o3), a31 = Vector512.LoadUnsafe(ref o3, 16), a32 = Vector512.LoadUnsafe(ref o3, 32), a33 = Vector512.LoadUnsafe(ref o3, 48);
        Vector512<float> a40 = Vector512.LoadUnsafe(ref o4), a41 = Vector512.LoadUnsafe(ref o4, 16), a42 = Vector512.LoadUnsafe(ref o4, 32), a43 = Vector512.LoadUnsafe(ref o4, 48);
        Vector512<float> a50 = Vector512.LoadUnsafe(ref o5), a51 = Vector512.LoadUnsafe(ref o5, 16), a52 = Vector512.LoadUnsafe(ref o5, 32), a53 = Vector512.LoadUnsafe(ref o5, 48);
        nint b1 = Bc, b2 = 2 * Bc, b3 = 3 * Bc, b4 = 4 * Bc, b5 = 5 * Bc;
        for (int j = 0; j < cols; j++)
        {
            Vector512<float> v0 = Vector512.LoadUnsafe(ref v), v1 = Vector512.LoadUnsafe(ref v, 16);
            Vector512<float> v2 = Vector512.LoadUnsafe(ref v, 32), v3 = Vector512.LoadUnsafe(ref v, 48);
            Vector512<float> b = Vector512.Create(p);
            a00 = Vector512.FusedMultiplyAdd(b, v0, a00);
            a01 = Vector512.FusedMultiplyAdd(b, v1, a01);
            a02 = Vector512.FusedMultiplyAdd(b, v2, a02);
            a03 = Vector512.FusedMultiplyAdd(b, v3, a03);
            b = Vector512.Create(Unsafe.Add(ref p, b1));
            a10 = Vector512.FusedMultiplyAdd(b, v0, a10);
            a11 = Vector512.FusedMultiplyAdd(b, v1, a11);
            a12 = Vector512.FusedMultiplyAdd(b, v2, a12);
            a13 = Vector512.FusedMultiplyAdd(b, v3, a13);
            b = Vector512.Create(Unsafe.Add(ref p, b2));
            a20 = Vector512.FusedMultiplyAdd(b, v0, a20);
            a21 = Vector512.FusedMultiplyAdd(b, v1, a21);
            a22 = Vector512.FusedMultiplyAdd(b, v2, a22);
            a23 = Vector512.FusedMultiplyAdd(b, v3, a23);
            b = Vector512.Create(Unsafe.Add(ref p, b3));
            a30 = Vector512.FusedMultiplyAdd(b, v0, a30);
            a31 = Vector512.FusedMultiplyAdd(b, v1, a31);
            a32 = Vector512.FusedMultiplyAdd(b, v2, a32);
            a33 = Vector512.FusedMultiplyAdd(b, v3, a33);
            b = Vector512.Create(Unsafe.Add(ref p, b4));
            a40 = Vector512.FusedMultiplyAdd(b, v0, a40);
            a41 = Vector512.FusedMultiplyAdd(b, v1, a41);
            a42 = Vector512.FusedMultiplyAdd(b, v2, a42);
            a43 = Vector512.FusedMultiplyAdd(b, v3, a43);
            b = Vector512.Create(Unsafe.Add(ref p, b5));
            a50 = Vector512.FusedMultiplyAdd(b, v0, a50);
            a51 = Vector512.FusedMultiplyAdd(b, v1, a51);
            a52 = Vector512.FusedMultiplyAdd(b, v2, a52);
            a53 = Vector512.FusedMultiplyAdd(b, v3, a53);
            p = ref Unsafe.Add(ref p, 1);
            v = ref Unsafe.Add(ref v, stride);
        }

        Store4(a00, a01, a02, a03, ref o);
        Store4(a10, a11, a12, a13, ref o1);
        Store4(a20, a21, a22, a23, ref o2);
        Store4(a30, a31, a32, a33, ref o3);
        Store4(a40, a41, a42, a43, ref o4);
        Store4(a50, a51, a52, a53, ref o5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(Vector256<float> a0, Vector256<float> a1, ref float target)
    {
        a0.StoreUnsafe(ref target);
        a1.StoreUnsafe(ref target, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, ref float target)
    {
        a0.StoreUnsafe(ref target);
        a1.StoreUnsafe(ref target, 16);
        a2.StoreUnsafe(ref target, 32);
        a3.StoreUnsafe(ref target, 48);
    }
}
