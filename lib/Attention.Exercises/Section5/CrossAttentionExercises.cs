namespace Attention;

/// <summary>Notebook 5.5: cross-attention over a batch of padded memories.</summary>
internal static class CrossAttentionExercises
{
    public static Exercise[] All =>
    [
        new Exercise<Func<Tensor, Tensor, Tensor, int[], Tensor>>(
            "5.5a", "Cross-attention over padded memories", 3, "05.5",
            "Tensor CrossAttend(Tensor Q, Tensor Kmem, Tensor Vmem, int[] memoryLengths)",
            "Q [B, H, Lq, d] from the decoder; Kmem, Vmem [B, H, Lm, d] from the encoder, where batch row b has memoryLengths[b] real tokens and then padding. Every query sees every real memory token (no causal mask) and no padding; a memory with no real token gives zeros. Return [B, H, Lq, d].",
            [.. KvCacheExercises.Attends],
            Cross("two memories of lengths 5 and 3 (padded to 5)", [5, 3], Lq: 4, seed: 551),
            Cross("one memory, no padding", [6], Lq: 2, seed: 552),
            Cross("an empty memory next to a full one: its outputs are zeros", [0, 4], Lq: 3, seed: 553)),
    ];

    private static GradedCase Cross(string name, int[] lengths, int Lq, int seed)
    {
        int B = lengths.Length, Lm = lengths.Max();
        return Cases.Tensor(
            name,
            () =>
            {
                var real = new bool[B, Lm];
                for (int b = 0; b < B; b++)
                {
                    for (int j = 0; j < lengths[b]; j++)
                    {
                        real[b, j] = true;
                    }
                }

                return ScaledDotProductAttention.Forward(Tensor.Random(seed, [B, 2, Lq, 4]), Tensor.Random(seed + 1, [B, 2, Lm, 4]),
                    Tensor.Random(seed + 2, [B, 2, Lm, 4]), mask: Mask.KeyPadding(real));
            },
            () => [Tensor.Random(seed, [B, 2, Lq, 4]), Tensor.Random(seed + 1, [B, 2, Lm, 4]), Tensor.Random(seed + 2, [B, 2, Lm, 4]), lengths.Clone()],
            "for batch row b, softmax over keys 0..memoryLengths[b] − 1 only (padding is masked before the softmax, not zeroed after); with no real key the row is 0.");
    }
}
