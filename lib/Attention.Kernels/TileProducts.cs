using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Attention.Kernels;

/// <summary>
/// The two products of a FlashAttention tile as register-blocked micro-kernels, at either SIMD width: 4 query rows × 2
/// registers of columns per step, 8 accumulators held in registers. The Vector512 pair is the Vector256 pair with twice
/// the lanes; <see cref="TiledAttention"/> pads tiles and value rows to whole steps (16 or 32 columns).
/// </summary>
internal static class TileProducts
{
    /// <summary>Query rows per micro-kernel step.</summary>
    public const int RowBlock = 4;

    /// <summary>S[r, j] = Σ_e Q[r, e] Kᵀ[e, start + j] for rows 0 .. rows − 1 (a multiple of 4) and j &lt; Bc.</summary>
    public static void Scores(KernelWidth width, float[] queries, float[] keysT, int start, int stride, float[] scores, int rows, int E, int Bc)
    {
        if (width == KernelWidth.Vector512)
        {
            Scores512(queries, keysT, start, stride, scores, rows, E, Bc);
        }
        else
        {
            Scores256(queries, keysT, start, stride, scores, rows, E, Bc);
        }
    }

    /// <summary>O[r, c] += Σ_{j &lt; cols} P[r, j] V[start + j · stride + c] for c &lt; EvPadded.</summary>
    public static void Accumulate(KernelWidth width, float[] weights, float[] values, int start, int stride, float[] output, int rows, int EvPadded, int cols, int Bc)
    {
        if (width == KernelWidth.Vector512)
        {
            Accumulate512(weights, values, start, stride, output, rows, EvPadded, cols, Bc);
        }
        else
        {
            Accumulate256(weights, values, start, stride, output, rows, EvPadded, cols, Bc);
        }
    }

    // S[r, j] = Σ_e q[r, e] Kᵀ[e, j]: 4 rows × 16 keys per step, 8 accumulators in registers.
    private static void Scores256(float[] queries, float[] keysT, int start, int stride, float[] scores, int rows, int E, int Bc)
    {
        const int Lanes = 8;
        ref float q = ref MemoryMarshal.GetArrayDataReference(queries);
        ref float kt = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(keysT), start);
        ref float s = ref MemoryMarshal.GetArrayDataReference(scores);
        for (int r = 0; r < rows; r += RowBlock)
        {
            for (int j = 0; j < Bc; j += 2 * Lanes)
            {
                Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
                for (int e = 0; e < E; e++)
                {
                    Vector256<float> k0 = Vector256.LoadUnsafe(ref kt, (nuint)((e * stride) + j));
                    Vector256<float> k1 = Vector256.LoadUnsafe(ref kt, (nuint)((e * stride) + j + Lanes));
                    Vector256<float> q0 = Vector256.Create(Unsafe.Add(ref q, (r * E) + e));
                    Vector256<float> q1 = Vector256.Create(Unsafe.Add(ref q, ((r + 1) * E) + e));
                    Vector256<float> q2 = Vector256.Create(Unsafe.Add(ref q, ((r + 2) * E) + e));
                    Vector256<float> q3 = Vector256.Create(Unsafe.Add(ref q, ((r + 3) * E) + e));
                    a00 = Vector256.FusedMultiplyAdd(q0, k0, a00);
                    a01 = Vector256.FusedMultiplyAdd(q0, k1, a01);
                    a10 = Vector256.FusedMultiplyAdd(q1, k0, a10);
                    a11 = Vector256.FusedMultiplyAdd(q1, k1, a11);
                    a20 = Vector256.FusedMultiplyAdd(q2, k0, a20);
                    a21 = Vector256.FusedMultiplyAdd(q2, k1, a21);
                    a30 = Vector256.FusedMultiplyAdd(q3, k0, a30);
                    a31 = Vector256.FusedMultiplyAdd(q3, k1, a31);
                }

                a00.StoreUnsafe(ref s, (nuint)((r * Bc) + j));
                a01.StoreUnsafe(ref s, (nuint)((r * Bc) + j + Lanes));
                a10.StoreUnsafe(ref s, (nuint)(((r + 1) * Bc) + j));
                a11.StoreUnsafe(ref s, (nuint)(((r + 1) * Bc) + j + Lanes));
                a20.StoreUnsafe(ref s, (nuint)(((r + 2) * Bc) + j));
                a21.StoreUnsafe(ref s, (nuint)(((r + 2) * Bc) + j + Lanes));
                a30.StoreUnsafe(ref s, (nuint)(((r + 3) * Bc) + j));
                a31.StoreUnsafe(ref s, (nuint)(((r + 3) * Bc) + j + Lanes));
            }
        }
    }

    // O[r, c] += Σ_j P[r, j] V[j, c]: 4 rows × 16 output features per step, accumulated in registers over the tile.
    private static void Accumulate256(float[] weights, float[] values, int start, int stride, float[] output, int rows, int EvPadded, int cols, int Bc)
    {
        const int Lanes = 8;
        ref float p = ref MemoryMarshal.GetArrayDataReference(weights);
        ref float v = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(values), start);
        ref float o = ref MemoryMarshal.GetArrayDataReference(output);
        for (int r = 0; r < rows; r += RowBlock)
        {
            for (int c = 0; c < EvPadded; c += 2 * Lanes)
            {
                ref float o0 = ref Unsafe.Add(ref o, (r * EvPadded) + c);
                ref float o1 = ref Unsafe.Add(ref o0, EvPadded);
                ref float o2 = ref Unsafe.Add(ref o1, EvPadded);
                ref float o3 = ref Unsafe.Add(ref o2, EvPadded);
                Vector256<float> a00 = Vector256.LoadUnsafe(ref o0), a01 = Vector256.LoadUnsafe(ref o0, Lanes);
                Vector256<float> a10 = Vector256.LoadUnsafe(ref o1), a11 = Vector256.LoadUnsafe(ref o1, Lanes);
                Vector256<float> a20 = Vector256.LoadUnsafe(ref o2), a21 = Vector256.LoadUnsafe(ref o2, Lanes);
                Vector256<float> a30 = Vector256.LoadUnsafe(ref o3), a31 = Vector256.LoadUnsafe(ref o3, Lanes);
                for (int j = 0; j < cols; j++)
                {
                    Vector256<float> v0 = Vector256.LoadUnsafe(ref v, (nuint)((j * stride) + c));
                    Vector256<float> v1 = Vector256.LoadUnsafe(ref v, (nuint)((j * stride) + c + Lanes));
                    Vector256<float> p0 = Vector256.Create(Unsafe.Add(ref p, (r * Bc) + j));
                    Vector256<float> p1 = Vector256.Create(Unsafe.Add(ref p, ((r + 1) * Bc) + j));
                    Vector256<float> p2 = Vector256.Create(Unsafe.Add(ref p, ((r + 2) * Bc) + j));
                    Vector256<float> p3 = Vector256.Create(Unsafe.Add(ref p, ((r + 3) * Bc) + j));
                    a00 = Vector256.FusedMultiplyAdd(p0, v0, a00);
                    a01 = Vector256.FusedMultiplyAdd(p0, v1, a01);
                    a10 = Vector256.FusedMultiplyAdd(p1, v0, a10);
                    a11 = Vector256.FusedMultiplyAdd(p1, v1, a11);
                    a20 = Vector256.FusedMultiplyAdd(p2, v0, a20);
                    a21 = Vector256.FusedMultiplyAdd(p2, v1, a21);
                    a30 = Vector256.FusedMultiplyAdd(p3, v0, a30);
                    a31 = Vector256.FusedMultiplyAdd(p3, v1, a31);
                }

                a00.StoreUnsafe(ref o0);
                a01.StoreUnsafe(ref o0, Lanes);
                a10.StoreUnsafe(ref o1);
                a11.StoreUnsafe(ref o1, Lanes);
                a20.StoreUnsafe(ref o2);
                a21.StoreUnsafe(ref o2, Lanes);
                a30.StoreUnsafe(ref o3);
                a31.StoreUnsafe(ref o3, Lanes);
            }
        }
    }

    // S[r, j] = Σ_e q[r, e] Kᵀ[e, j]: 4 rows × 32 keys per step, 8 accumulators in registers.
    private static void Scores512(float[] queries, float[] keysT, int start, int stride, float[] scores, int rows, int E, int Bc)
    {
        const int Lanes = 16;
        ref float q = ref MemoryMarshal.GetArrayDataReference(queries);
        ref float kt = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(keysT), start);
        ref float s = ref MemoryMarshal.GetArrayDataReference(scores);
        for (int r = 0; r < rows; r += RowBlock)
        {
            for (int j = 0; j < Bc; j += 2 * Lanes)
            {
                Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
                for (int e = 0; e < E; e++)
                {
                    Vector512<float> k0 = Vector512.LoadUnsafe(ref kt, (nuint)((e * stride) + j));
                    Vector512<float> k1 = Vector512.LoadUnsafe(ref kt, (nuint)((e * stride) + j + Lanes));
                    Vector512<float> q0 = Vector512.Create(Unsafe.Add(ref q, (r * E) + e));
                    Vector512<float> q1 = Vector512.Create(Unsafe.Add(ref q, ((r + 1) * E) + e));
                    Vector512<float> q2 = Vector512.Create(Unsafe.Add(ref q, ((r + 2) * E) + e));
                    Vector512<float> q3 = Vector512.Create(Unsafe.Add(ref q, ((r + 3) * E) + e));
                    a00 = Vector512.FusedMultiplyAdd(q0, k0, a00);
                    a01 = Vector512.FusedMultiplyAdd(q0, k1, a01);
                    a10 = Vector512.FusedMultiplyAdd(q1, k0, a10);
                    a11 = Vector512.FusedMultiplyAdd(q1, k1, a11);
                    a20 = Vector512.FusedMultiplyAdd(q2, k0, a20);
                    a21 = Vector512.FusedMultiplyAdd(q2, k1, a21);
                    a30 = Vector512.FusedMultiplyAdd(q3, k0, a30);
                    a31 = Vector512.FusedMultiplyAdd(q3, k1, a31);
                }

                a00.StoreUnsafe(ref s, (nuint)((r * Bc) + j));
                a01.StoreUnsafe(ref s, (nuint)((r * Bc) + j + Lanes));
                a10.StoreUnsafe(ref s, (nuint)(((r + 1) * Bc) + j));
                a11.StoreUnsafe(ref s, (nuint)(((r + 1) * Bc) + j + Lanes));
                a20.StoreUnsafe(ref s, (nuint)(((r + 2) * Bc) + j));
                a21.StoreUnsafe(ref s, (nuint)(((r + 2) * Bc) + j + Lanes));
                a30.StoreUnsafe(ref s, (nuint)(((r + 3) * Bc) + j));
                a31.StoreUnsafe(ref s, (nuint)(((r + 3) * Bc) + j + Lanes));
            }
        }
    }

    // O[r, c] += Σ_j P[r, j] V[j, c]: 4 rows × 32 output features per step, accumulated in registers over the tile.
    private static void Accumulate512(float[] weights, float[] values, int start, int stride, float[] output, int rows, int EvPadded, int cols, int Bc)
    {
        const int Lanes = 16;
        ref float p = ref MemoryMarshal.GetArrayDataReference(weights);
        ref float v = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(values), start);
        ref float o = ref MemoryMarshal.GetArrayDataReference(output);
        for (int r = 0; r < rows; r += RowBlock)
        {
            for (int c = 0; c < EvPadded; c += 2 * Lanes)
            {
                ref float o0 = ref Unsafe.Add(ref o, (r * EvPadded) + c);
                ref float o1 = ref Unsafe.Add(ref o0, EvPadded);
                ref float o2 = ref Unsafe.Add(ref o1, EvPadded);
                ref float o3 = ref Unsafe.Add(ref o2, EvPadded);
                Vector512<float> a00 = Vector512.LoadUnsafe(ref o0), a01 = Vector512.LoadUnsafe(ref o0, Lanes);
                Vector512<float> a10 = Vector512.LoadUnsafe(ref o1), a11 = Vector512.LoadUnsafe(ref o1, Lanes);
                Vector512<float> a20 = Vector512.LoadUnsafe(ref o2), a21 = Vector512.LoadUnsafe(ref o2, Lanes);
                Vector512<float> a30 = Vector512.LoadUnsafe(ref o3), a31 = Vector512.LoadUnsafe(ref o3, Lanes);
                for (int j = 0; j < cols; j++)
                {
                    Vector512<float> v0 = Vector512.LoadUnsafe(ref v, (nuint)((j * stride) + c));
                    Vector512<float> v1 = Vector512.LoadUnsafe(ref v, (nuint)((j * stride) + c + Lanes));
                    Vector512<float> p0 = Vector512.Create(Unsafe.Add(ref p, (r * Bc) + j));
                    Vector512<float> p1 = Vector512.Create(Unsafe.Add(ref p, ((r + 1) * Bc) + j));
                    Vector512<float> p2 = Vector512.Create(Unsafe.Add(ref p, ((r + 2) * Bc) + j));
                    Vector512<float> p3 = Vector512.Create(Unsafe.Add(ref p, ((r + 3) * Bc) + j));
                    a00 = Vector512.FusedMultiplyAdd(p0, v0, a00);
                    a01 = Vector512.FusedMultiplyAdd(p0, v1, a01);
                    a10 = Vector512.FusedMultiplyAdd(p1, v0, a10);
                    a11 = Vector512.FusedMultiplyAdd(p1, v1, a11);
                    a20 = Vector512.FusedMultiplyAdd(p2, v0, a20);
                    a21 = Vector512.FusedMultiplyAdd(p2, v1, a21);
                    a30 = Vector512.FusedMultiplyAdd(p3, v0, a30);
                    a31 = Vector512.FusedMultiplyAdd(p3, v1, a31);
                }

                a00.StoreUnsafe(ref o0);
                a01.StoreUnsafe(ref o0, Lanes);
                a10.StoreUnsafe(ref o1);
                a11.StoreUnsafe(ref o1, Lanes);
                a20.StoreUnsafe(ref o2);
                a21.StoreUnsafe(ref o2, Lanes);
                a30.StoreUnsafe(ref o3);
                a31.StoreUnsafe(ref o3, Lanes);
            }
        }
    }
}
