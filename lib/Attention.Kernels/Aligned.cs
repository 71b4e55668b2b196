using System.Runtime.InteropServices;

namespace Attention.Kernels;

/// <summary>
/// Float buffers whose data start on a cache line. A 64-byte (Vector512) load from an address that is not a multiple of
/// 64 spans two cache lines and costs two loads; a managed array's data is only 8-byte aligned. The array is allocated on
/// the pinned heap, so the aligned origin stays aligned.
/// </summary>
internal static class Aligned
{
    private const int LineFloats = 16;

    /// <summary>A zeroed pinned array of at least <paramref name="length"/> + 16 floats; <paramref name="origin"/> is the
    /// first index whose address is a multiple of 64 bytes.</summary>
    public static float[] Floats(long length, out int origin)
    {
        float[] data = GC.AllocateArray<float>(checked((int)(length + LineFloats)), pinned: true);
        origin = Origin(data);
        return data;
    }

    /// <summary>The first index of a pinned array whose address is a multiple of 64 bytes.</summary>
    public static int Origin(float[] data)
    {
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        nint address = handle.AddrOfPinnedObject();
        handle.Free();
        return (int)((64 - (address & 63)) & 63) / sizeof(float);
    }
}
