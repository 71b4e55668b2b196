using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Attention;

/// <summary>
/// C = A B for row-major float matrices, the product behind every <see cref="Linear"/> layer: a register-blocked SIMD
/// micro-kernel (4 rows of A × 16 columns of B per step, 8 accumulators) over column strips of B that stay in cache, rows
/// spread over threads when the product is large.
/// <para>
/// Every element is Σ_j A[r, j] B[j, c] summed in order j = 0, 1, … with fused multiply-adds, whatever the row's place in
/// the batch: a sequence gives the same bits alone or padded into a batch (section 7.4 relies on it).
/// </para>
/// </summary>
public static class Gemm
{
    private const int Lanes = 8;                // floats per Vector256
    private const int Columns = 2 * Lanes;      // columns per micro-kernel step
    private const int Rows = 4;                 // rows per micro-kernel step
    private const long ParallelWork = 1 << 20;  // multiply-adds below which threads cost more than they save

    /// <summary>C [M, N] = A [M, K] · B [K, N], all row-major; C is overwritten.</summary>
    /// <exception cref="ArgumentException">An array is shorter than its shape says (the message names it).</exception>
    public static void Multiply(float[] A, float[] B, float[] C, int M, int K, int N)
    {
        ArgumentNullException.ThrowIfNull(A);
        ArgumentNullException.ThrowIfNull(B);
        ArgumentNullException.ThrowIfNull(C);
        ArgumentOutOfRangeException.ThrowIfNegative(M);
        ArgumentOutOfRangeException.ThrowIfNegative(K);
        ArgumentOutOfRangeException.ThrowIfNegative(N);
        RequireLength(A, (long)M * K, "A", $"[{M}, {K}]");
        RequireLength(B, (long)K * N, "B", $"[{K}, {N}]");
        RequireLength(C, (long)M * N, "C", $"[{M}, {N}]");
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

    private static void RequireLength(float[] array, long needed, string name, string shape)
    {
        if (array.Length < needed)
        {
            throw new ArgumentException($"{name} must hold {shape} = {needed} floats; it has {array.Length}.", name);
        }
    }

    // Rows r0 .. r1 − 1 of C: column strips of 16 through the micro-kernels, then the last N mod 16 columns one by one.
    private static void RowRange(float[] A, float[] B, float[] C, int r0, int r1, int K, int N)
    {
        int wholeColumns = N / Columns * Columns;
        for (int c = 0; c < wholeColumns; c += Columns)
        {
            int r = r0;
            for (; r + Rows <= r1; r += Rows)
            {
                FourRows(A, B, C, r, c, K, N);
            }

            for (; r < r1; r++)
            {
                OneRow(A, B, C, r, c, K, N);
            }
        }

        for (int r = r0; r < r1; r++)
        {
            for (int c = wholeColumns; c < N; c++)
            {
                float sum = 0;
                for (int j = 0; j < K; j++)
                {
                    sum = MathF.FusedMultiplyAdd(A[(r * K) + j], B[(j * N) + c], sum);
                }

                C[(r * N) + c] = sum;
            }
        }
    }

    private static void FourRows(float[] A, float[] B, float[] C, int r, int c, int K, int N)
    {
        ref float a = ref MemoryMarshal.GetArrayDataReference(A);
        ref float b = ref MemoryMarshal.GetArrayDataReference(B);
        ref float a0 = ref Unsafe.Add(ref a, r * K);
        ref float a1 = ref Unsafe.Add(ref a0, K);
        ref float a2 = ref Unsafe.Add(ref a1, K);
        ref float a3 = ref Unsafe.Add(ref a2, K);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int j = 0; j < K; j++)
        {
            Vector256<float> b0 = Vector256.LoadUnsafe(ref b, (nuint)((j * N) + c));
            Vector256<float> b1 = Vector256.LoadUnsafe(ref b, (nuint)((j * N) + c + Lanes));
            Vector256<float> x0 = Vector256.Create(Unsafe.Add(ref a0, j));
            Vector256<float> x1 = Vector256.Create(Unsafe.Add(ref a1, j));
            Vector256<float> x2 = Vector256.Create(Unsafe.Add(ref a2, j));
            Vector256<float> x3 = Vector256.Create(Unsafe.Add(ref a3, j));
            c00 = Vector256.FusedMultiplyAdd(x0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x0, b1, c01);
            c10 = Vector256.FusedMultiplyAdd(x1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x1, b1, c11);
            c20 = Vector256.FusedMultiplyAdd(x2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x2, b1, c21);
            c30 = Vector256.FusedMultiplyAdd(x3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x3, b1, c31);
        }

        ref float o = ref MemoryMarshal.GetArrayDataReference(C);
        int row = (r * N) + c;
        c00.StoreUnsafe(ref o, (nuint)row);
        c01.StoreUnsafe(ref o, (nuint)(row + Lanes));
        c10.StoreUnsafe(ref o, (nuint)(row + N));
        c11.StoreUnsafe(ref o, (nuint)(row + N + Lanes));
        c20.StoreUnsafe(ref o, (nuint)(row + (2 * N)));
        c21.StoreUnsafe(ref o, (nuint)(row + (2 * N) + Lanes));
        c30.StoreUnsafe(ref o, (nuint)(row + (3 * N)));
        c31.StoreUnsafe(ref o, (nuint)(row + (3 * N) + Lanes));
    }

    private static void OneRow(float[] A, float[] B, float[] C, int r, int c, int K, int N)
    {
        ref float a = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(A), r * K);
        ref float b = ref MemoryMarshal.GetArrayDataReference(B);
        Vector256<float> c0 = default, c1 = default;
        for (int j = 0; j < K; j++)
        {
            Vector256<float> x = Vector256.Create(Unsafe.Add(ref a, j));
            c0 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref b, (nuint)((j * N) + c)), c0);
            c1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref b, (nuint)((j * N) + c + Lanes)), c1);
        }

        ref float o = ref MemoryMarshal.GetArrayDataReference(C);
        c0.StoreUnsafe(ref o, (nuint)((r * N) + c));
        c1.StoreUnsafe(ref o, (nuint)((r * N) + c + Lanes));
    }
}
