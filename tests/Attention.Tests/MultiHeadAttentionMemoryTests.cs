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
        // The [B, h, N, N] weights (16 MiB here) exist one head at a time in rented buffers when nobody reads them. The
        // pool may still allocate a 1 MiB head buffer for a thread it has not served yet: the fewest bytes of five calls.
        var m = MultiHeadAttention.Random(1, dModel: 256, heads: 16);
        var X = Tensor.Random(2, [1, 512, 256]);
        long fewest = long.MaxValue, output = 512L * 256 * sizeof(float), weights = 16L * 512 * 512 * sizeof(float);
        for (int call = 0; call < 6; call++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            _ = m.Trace(X).Output;
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            fewest = call == 0 ? fewest : Math.Min(fewest, allocated);   // the first call fills the pool
        }

        Assert.True(fewest < output + (weights / 4), $"allocated at least {fewest:N0} bytes for a {output:N0}-byte output; the weights alone are {weights:N0}.");
    }
}
