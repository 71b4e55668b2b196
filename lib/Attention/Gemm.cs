using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Attention;

/// <summary>
/// C = A B for row-major float matrices, the product behind every <see cref="Linear"/> layer and the two products of
/// <see cref="ScaledDotProductAttention"/>: register-blocked SIMD micro-kernels over column strips of B that stay in
/// cache (4 rows × 64 columns in 16 Vector512 accumulators where AVX-512 is accelerated, then 4 rows × 16 columns in
/// Vector256, then single columns), rows spread over threads when the product is large.
/// <para>
/// Every element is Σ_j A[r, j] B[j, c] summed in order j = 0, 1, … with fused multiply-adds, whatever the row's place in
/// the batch and whichever step computes its column: a sequence gives the same bits alone or padded into a batch (section
/// 7.4 relies on it), on any machine.
/// </para>
/// <para>
/// The kernels are compiled optimised at their first call (AggressiveOptimization): under tiered compilation a notebook's
/// first products ran unoptimised code, 30 ms instead of 3 ms for [512, 1536] · [1536, 384] in the first eleven calls.
/// </para>
/// </summary>
public static class Gemm
{
    private const int Rows = 4;                 // rows per micro-kernel step
    private const long ParallelWork = 1 << 20;  // multiply-adds below which threads cost more than they save

    /// <summary>C [M, N] = A [M, K] · B [K, N], all row-major; C is overwritten. Large products run on threads.</summary>
    /// <exception cref="ArgumentException">An array is shorter than its shape says (the message names it).</exception>
    public static void Multiply(float[] A, float[] B, float[] C, int M, int K, int N)
    {
        ArgumentNullException.ThrowIfNull(A);
        ArgumentNullException.ThrowIfNull(B);
        ArgumentNullException.ThrowIfNull(C);
        Require(A.Length, B.Length, C.Length, M, K, N);
        if (M == 0 || N == 0)
        {
            return;
        }

        // Row chunks of 64 (a multiple of Rows): each thread sweeps all column strips over its own rows.
        const int Chunk = 64;
        int chunks = (M + Chunk - 1) / Chunk;
        if ((long)M * K * N < ParallelWork || chunks == 1)
        {
            RowRange(A, B, C, 0, M, K, N);
        }
        else
        {
            Parallel.For(0, chunks, c => RowRange(A, B, C, c * Chunk, Math.Min(M, (c + 1) * Chunk), K, N));
        }
    }

    /// <summary>C [M, N] = A [M, K] · B [K, N] on spans (a head's slice of a tensor), on the calling thread.</summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape says (the message names it).</exception>
    public static void Multiply(ReadOnlySpan<float> A, ReadOnlySpan<float> B, Span<float> C, int M, int K, int N)
    {
        Require(A.Length, B.Length, C.Length, M, K, N);
        if (M > 0 && N > 0)
        {
            RowRange(A, B, C, 0, M, K, N);
        }
    }

    private static void Require(int a, int b, int c, int M, int K, int N)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(M);
        ArgumentOutOfRangeException.ThrowIfNegative(K);
        ArgumentOutOfRangeException.ThrowIfNegative(N);
        RequireLength(a, (long)M * K, "A", $"[{M}, {K}]");
        RequireLength(b, (long)K * N, "B", $"[{K}, {N}]");
        RequireLength(c, (long)M * N, "C", $"[{M}, {N}]");
    }

    private static void RequireLength(int length, long needed, string name, string shape)
    {
        if (length < needed)
        {
            throw new ArgumentException($"{name} must hold {shape} = {needed} floats; it has {length}.", name);
        }
    }

    // Rows r0 .. r1 − 1 of C: strips of 64 columns (Vector512), then of 16 (Vector256), then the last columns one by one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowRange(ReadOnlySpan<float> A, ReadOnlySpan<float> B, Span<float> C, int r0, int r1, int K, int N)
    {
        ref float a = ref MemoryMarshal.GetReference(A);
        ref float b = ref MemoryMarshal.GetReference(B);
        ref float o = ref MemoryMarshal.GetReference(C);
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; c + 64 <= N; c += 64)
            {
                for (int r = r0; r < r1; r += Rows)
                {
                    Strip512(ref Unsafe.Add(ref a, r * K), ref Unsafe.Add(ref b, c), ref Unsafe.Add(ref o, (r * N) + c), Math.Min(Rows, r1 - r), K, N);
                }
            }
        }

        for (; c + 16 <= N; c += 16)
        {
            for (int r = r0; r < r1; r += Rows)
            {
                Strip256(ref Unsafe.Add(ref a, r * K), ref Unsafe.Add(ref b, c), ref Unsafe.Add(ref o, (r * N) + c), Math.Min(Rows, r1 - r), K, N);
            }
        }

        for (int r = r0; r < r1; r++)
        {
            for (int col = c; col < N; col++)
            {
                float sum = 0;
                for (int j = 0; j < K; j++)
                {
                    sum = MathF.FusedMultiplyAdd(A[(r * K) + j], B[(j * N) + col], sum);
                }

                C[(r * N) + col] = sum;
            }
        }
    }

    // Up to 4 rows × 64 columns: rows beyond `rows` read row 0 again and are not stored (one loop body for all).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strip512(ref float a, ref float b, ref float o, int rows, int K, int N)
    {
        nint k1 = rows > 1 ? K : 0, k2 = rows > 2 ? 2 * K : 0, k3 = rows > 3 ? 3 * K : 0;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        for (int j = 0; j < K; j++)
        {
            Vector512<float> b0 = Vector512.LoadUnsafe(ref b), b1 = Vector512.LoadUnsafe(ref b, 16);
            Vector512<float> b2 = Vector512.LoadUnsafe(ref b, 32), b3 = Vector512.LoadUnsafe(ref b, 48);
            Vector512<float> x = Vector512.Create(a);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, b2, c02);
            c03 = Vector512.FusedMultiplyAdd(x, b3, c03);
            x = Vector512.Create(Unsafe.Add(ref a, k1));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, b2, c12);
            c13 = Vector512.FusedMultiplyAdd(x, b3, c13);
            x = Vector512.Create(Unsafe.Add(ref a, k2));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, b2, c22);
            c23 = Vector512.FusedMultiplyAdd(x, b3, c23);
            x = Vector512.Create(Unsafe.Add(ref a, k3));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, b2, c32);
            c33 = Vector512.FusedMultiplyAdd(x, b3, c33);
            a = ref Unsafe.Add(ref a, 1);
            b = ref Unsafe.Add(ref b, N);
        }

        Store(c00, c01, c02, c03, ref o);
        if (rows > 1)
        {
            Store(c10, c11, c12, c13, ref Unsafe.Add(ref o, N));
        }

        if (rows > 2)
        {
            Store(c20, c21, c22, c23, ref Unsafe.Add(ref o, 2 * N));
        }

        if (rows > 3)
        {
            Store(c30, c31, c32, c33, ref Unsafe.Add(ref o, 3 * N));
        }
    }

    // Up to 4 rows × 16 columns, as above at Vector256.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strip256(ref float a, ref float b, ref float o, int rows, int K, int N)
    {
        nint k1 = rows > 1 ? K : 0, k2 = rows > 2 ? 2 * K : 0, k3 = rows > 3 ? 3 * K : 0;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int j = 0; j < K; j++)
        {
            Vector256<float> b0 = Vector256.LoadUnsafe(ref b), b1 = Vector256.LoadUnsafe(ref b, 8);
            Vector256<float> x = Vector256.Create(a);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref a, k1));
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref a, k2));
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref a, k3));
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            a = ref Unsafe.Add(ref a, 1);
            b = ref Unsafe.Add(ref b, N);
        }

        c00.StoreUnsafe(ref o);
        c01.StoreUnsafe(ref o, 8);
        if (rows > 1)
        {
            c10.StoreUnsafe(ref o, (nuint)N);
            c11.StoreUnsafe(ref o, (nuint)N + 8);
        }

        if (rows > 2)
        {
            c20.StoreUnsafe(ref o, (nuint)(2 * N));
            c21.StoreUnsafe(ref o, (nuint)(2 * N) + 8);
        }

        if (rows > 3)
        {
            c30.StoreUnsafe(ref o, (nuint)(3 * N));
            c31.StoreUnsafe(ref o, (nuint)(3 * N) + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, ref float target)
    {
        a0.StoreUnsafe(ref target);
        a1.StoreUnsafe(ref target, 16);
        a2.StoreUnsafe(ref target, 32);
        a3.StoreUnsafe(ref target, 48);
    }
}
