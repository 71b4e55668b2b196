namespace Attention.Models.Tests;

/// <summary>Allocation counts are process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition("allocation", DisableParallelization = true)]
public sealed class AllocationCollection;

[Collection("allocation")]
public class EditedLogitsMemoryTests
{
    [Fact]
    public void An_ablation_from_a_trace_allocates_the_edit_the_head_outputs_and_the_logits_only()
    {
        // A layer-0 ablation of a 2-layer model: the edit's copy of z, layer 1's head outputs (the edit reads them) and the
        // logits are tensors, three [B, N, 64] arrays; Q, K, V, the merge, W_O's output and the residual stream are rented.
        // A pass that kept them allocated twelve. The first call fills the pool: the fewest bytes of the next five.
        var config = new DecoderConfig(Vocab: 64, DModel: 64, Heads: 4, Layers: 2, Context: 32);
        var model = new AttentionOnlyDecoder(DecoderWeights.Random(config, seed: 5));
        var random = new Random(5);
        int[][] tokens = [.. Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 32).Select(_ => random.Next(64)).ToArray())];
        DecoderTrace trace = model.Trace(tokens);
        HeadOutputEdit edit = DecoderEvaluation.MeanAblation(0, 1);
        long fewest = long.MaxValue, array = 64L * 32 * 64 * sizeof(float);
        for (int call = 0; call < 6; call++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            _ = model.Logits(trace, edit);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            fewest = call == 0 ? fewest : Math.Min(fewest, allocated);
        }

        Assert.True(fewest < 4 * array, $"allocated at least {fewest:N0} bytes; three [B, N, d] arrays are {3 * array:N0}.");
    }
}
