using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Attention.Kernels;

namespace Attention.Bench;

/// <summary>
/// This machine's fp32 FMA throughput at the kernel's SIMD width: 12 independent FMA chains per thread, best of several runs.
/// A kernel's "% of peak" is only meaningful against the peak of the width it runs at.
/// </summary>
public static class FmaProbe
{
    /// <summary>GFLOP/s on <paramref name="threads"/> threads at <paramref name="width"/> (an FMA counts 2 FLOPs per lane).</summary>
    public static double Measure(int threads, KernelWidth width, int runs = 5)
    {
        const long iterations = 50_000_000;
        double best = 0;
        for (int run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                if (width == KernelWidth.Vector512)
                {
                    Chains512(iterations, t);
                }
                else
                {
                    Chains256(iterations, t);
                }
            });
            best = Math.Max(best, threads * iterations * 12.0 * width.Lanes() * 2 / clock.Elapsed.TotalSeconds / 1e9);
        }

        return best;
    }

    // Fully optimised from the first call: tier-0 code (and on-stack replacement) keeps the 12 chains in memory, not registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations, int seed)
    {
        Vector256<float> a = Vector256.Create(0.999f), b = Vector256.Create(1e-7f * (seed + 1));
        Vector256<float> x0 = b, x1 = b, x2 = b, x3 = b, x4 = b, x5 = b, x6 = b, x7 = b, x8 = b, x9 = b, x10 = b, x11 = b;
        for (long k = 0; k < iterations; k++)
        {
            x0 = Vector256.FusedMultiplyAdd(x0, a, b); x1 = Vector256.FusedMultiplyAdd(x1, a, b);
            x2 = Vector256.FusedMultiplyAdd(x2, a, b); x3 = Vector256.FusedMultiplyAdd(x3, a, b);
            x4 = Vector256.FusedMultiplyAdd(x4, a, b); x5 = Vector256.FusedMultiplyAdd(x5, a, b);
            x6 = Vector256.FusedMultiplyAdd(x6, a, b); x7 = Vector256.FusedMultiplyAdd(x7, a, b);
            x8 = Vector256.FusedMultiplyAdd(x8, a, b); x9 = Vector256.FusedMultiplyAdd(x9, a, b);
            x10 = Vector256.FusedMultiplyAdd(x10, a, b); x11 = Vector256.FusedMultiplyAdd(x11, a, b);
        }

        return Vector256.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    // Fully optimised from the first call: tier-0 code (and on-stack replacement) keeps the 12 chains in memory, not registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations, int seed)
    {
        Vector512<float> a = Vector512.Create(0.999f), b = Vector512.Create(1e-7f * (seed + 1));
        Vector512<float> x0 = b, x1 = b, x2 = b, x3 = b, x4 = b, x5 = b, x6 = b, x7 = b, x8 = b, x9 = b, x10 = b, x11 = b;
        for (long k = 0; k < iterations; k++)
        {
            x0 = Vector512.FusedMultiplyAdd(x0, a, b); x1 = Vector512.FusedMultiplyAdd(x1, a, b);
            x2 = Vector512.FusedMultiplyAdd(x2, a, b); x3 = Vector512.FusedMultiplyAdd(x3, a, b);
            x4 = Vector512.FusedMultiplyAdd(x4, a, b); x5 = Vector512.FusedMultiplyAdd(x5, a, b);
            x6 = Vector512.FusedMultiplyAdd(x6, a, b); x7 = Vector512.FusedMultiplyAdd(x7, a, b);
            x8 = Vector512.FusedMultiplyAdd(x8, a, b); x9 = Vector512.FusedMultiplyAdd(x9, a, b);
            x10 = Vector512.FusedMultiplyAdd(x10, a, b); x11 = Vector512.FusedMultiplyAdd(x11, a, b);
        }

        return Vector512.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }
}
