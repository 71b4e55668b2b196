using Attention;

namespace Attention.Tests;

/// <summary>Allocation counts are process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition("allocation", DisableParallelization = true)]
public sealed class AllocationCollection;

[Collection("allocation")]
public class MultiHeadAttentionMemoryTests
{
    [Fact]
    public void ReadingOnlyTheOutputAllocatesNoAttentionWeights()
    {
        // The [B, h, N, N] weights (4 MiB here) exist one head at a time in rented buffers when nobody reads them.
        var m = MultiHeadAttention.Random(1, dModel: 256, heads: 4);
        var X = Tensor.Random(2, [1, 512, 256]);
        _ = m.Trace(X).Output;   // the pool's buffers, once
        long before = GC.GetTotalAllocatedBytes(precise: true);
        Tensor Y = m.Trace(X).Output;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        long weights = 4L * 512 * 512 * sizeof(float), output = (long)Y.Length * sizeof(float);
        Assert.True(allocated < output + (weights / 2), $"allocated {allocated:N0} bytes for a {output:N0}-byte output; the weights alone are {weights:N0}.");
    }
}
