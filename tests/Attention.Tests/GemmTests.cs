using Attention;
using CsCheck;

namespace Attention.Tests;

public class GemmTests
{
    [Fact]
    public void EqualsTheFloat64ProductForAnyShapeIncludingTailsAndLargeParallelOnes()
    {
        Gen.Select(Gen.Int[0, 70], Gen.Int[0, 90], Gen.Int[0, 70], Gen.Int[0, 1_000_000]).Sample((M, K, N, seed) =>
        {
            float[] A = Tensor.Random(seed, [Math.Max(1, M * K)]).Data, B = Tensor.Random(seed + 1, [Math.Max(1, K * N)]).Data;
            var C = Enumerable.Repeat(float.NaN, M * N).ToArray();     // overwritten, not accumulated into
            Gemm.Multiply(A, B, C, M, K, N);
            for (int r = 0; r < M; r++)
            {
                for (int c = 0; c < N; c++)
                {
                    double expected = 0, magnitude = 0;
                    for (int j = 0; j < K; j++)
                    {
                        expected += (double)A[(r * K) + j] * B[(j * N) + c];
                        magnitude += Math.Abs((double)A[(r * K) + j] * B[(j * N) + c]);
                    }

                    if (Math.Abs(C[(r * N) + c] - expected) > 1e-6 * (1 + magnitude))
                    {
                        return false;
                    }
                }
            }

            return true;
        }, iter: 200);

        // Large enough to run on threads: 300 × 384 · 384 × 100.
        float[] a = Tensor.Random(1, [300 * 384]).Data, b = Tensor.Random(2, [384 * 100]).Data, big = new float[300 * 100];
        Gemm.Multiply(a, b, big, 300, 384, 100);
        for (int r = 0; r < 300; r += 37)
        {
            double expected = Enumerable.Range(0, 384).Sum(j => (double)a[(r * 384) + j] * b[(j * 100) + 99]);
            Assert.True(Math.Abs(big[(r * 100) + 99] - expected) < 1e-3, $"row {r}: {big[(r * 100) + 99]} against {expected}");
        }
    }

    [Fact]
    public void Every_element_is_the_in_order_fused_multiply_add_chain_whichever_step_computes_its_column()
    {
        // Widths 1 … 200 cross the 64-column (Vector512), 16-column (Vector256) and single-column steps; row counts cross
        // the 4-row blocks. The array and span forms agree too.
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 40], Gen.Int[1, 200], Gen.Int[0, 1_000_000]).Sample((M, K, N, seed) =>
        {
            float[] A = Tensor.Random(seed, [M * K]).Data, B = Tensor.Random(seed + 1, [K * N]).Data, C = new float[M * N];
            Gemm.Multiply(A, B, C, M, K, N);
            var fromSpans = new float[M * N];
            Gemm.Multiply(A.AsSpan(), B.AsSpan(), fromSpans.AsSpan(), M, K, N);
            for (int r = 0; r < M; r++)
            {
                for (int c = 0; c < N; c++)
                {
                    float chain = 0;
                    for (int j = 0; j < K; j++)
                    {
                        chain = MathF.FusedMultiplyAdd(A[(r * K) + j], B[(j * N) + c], chain);
                    }

                    if (chain != C[(r * N) + c] || chain != fromSpans[(r * N) + c])
                    {
                        return false;
                    }
                }
            }

            return true;
        }, iter: 200);
    }

    [Fact]
    public void A_row_gives_the_same_bits_alone_and_inside_a_batch()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 60], Gen.Int[1, 50], Gen.Int[0, 1_000_000]).Sample((M, K, N, seed) =>
        {
            float[] A = Tensor.Random(seed, [M * K]).Data, B = Tensor.Random(seed + 1, [K * N]).Data, C = new float[M * N];
            Gemm.Multiply(A, B, C, M, K, N);
            int r = seed % M;
            var alone = new float[N];
            Gemm.Multiply(A.AsSpan(r * K, K).ToArray(), B, alone, 1, K, N);
            return alone.AsSpan().SequenceEqual(C.AsSpan(r * N, N));
        }, iter: 100);
    }

    [Fact]
    public void Arrays_shorter_than_their_shapes_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], new float[5], new float[4], 2, 3, 2));
        Assert.Contains("B must hold [3, 2] = 6 floats; it has 5", e.Message, StringComparison.Ordinal);
    }
}
