using System.Runtime.Intrinsics;

namespace Attention.Kernels;

/// <summary>The SIMD register width of the tile products: 8 floats (AVX2, Arm SVE-256) or 16 (AVX-512).</summary>
public enum KernelWidth
{
    /// <summary>Vector256: 8 float lanes; a micro-kernel step is 6 rows × 16 columns.</summary>
    Vector256 = 256,

    /// <summary>Vector512: 16 float lanes; a micro-kernel step is 6 rows × 64 columns.</summary>
    Vector512 = 512,
}

/// <summary>Which width this machine runs at full speed.</summary>
public static class KernelWidths
{
    /// <summary>Vector512 when the hardware accelerates it (AVX-512), else Vector256. Both are always correct; a width the
    /// hardware lacks is emulated, slowly.</summary>
    public static KernelWidth Best => Vector512.IsHardwareAccelerated ? KernelWidth.Vector512 : KernelWidth.Vector256;

    /// <summary>Float lanes per register at <paramref name="width"/>.</summary>
    public static int Lanes(this KernelWidth width) => width switch
    {
        KernelWidth.Vector256 => Vector256<float>.Count,
        KernelWidth.Vector512 => Vector512<float>.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(width), width, "the kernel width must be Vector256 or Vector512."),
    };
}
