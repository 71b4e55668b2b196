using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 5.3: the cache bytes a whole generation reads, and the arithmetic intensity of prefill against decode.</summary>
internal static class PrefillDecodeExercises
{
    /// <summary>Exercise 5.3a: the function the student writes.</summary>
    public delegate long GenerationKvReads(int layers, int kvHeads, int headDim, int bytesPerValue, long promptTokens, long newTokens);

    /// <summary>Exercise 5.3b: the function the student writes.</summary>
    public delegate double CoreIntensity(long queries, long keys, int heads, int kvHeads, int headDim, int bytesPerValue);

    public static Exercise[] All =>
    [
        new Exercise<GenerationKvReads>
        {
            Id = "5.3a",
            Title = "The cache bytes a generation reads",
            Points = 2,
            Notebook = "05.3",
            Task = "After a prefill of promptTokens, the model generates newTokens tokens, one decode step each. Step s = 1 .. newTokens reads the K and V of all promptTokens + s tokens (its own included) from every layer's cache, kvHeads × headDim values each. Return the bytes all decode steps read together. Use long.",
            SameAs = [typeof(CostModel), typeof(KvCache), typeof(SlidingWindowKvCache), typeof(CachedAttention)],
            Cases =
            [
                Reads("no new tokens: nothing read", 12, 12, 64, 2, promptTokens: 100, newTokens: 0),
                Reads("one token after an empty prompt reads its own K and V", 2, 4, 8, 4, promptTokens: 0, newTokens: 1),
                Reads("GPT-2 small: 3 tokens after a 1024-token prompt", 12, 12, 64, 2, promptTokens: 1024, newTokens: 3),
                Reads("Llama-3-8B: 8k new tokens after an 8k prompt (past 2³¹ bytes)", 32, 8, 128, 2, promptTokens: 8192, newTokens: 8192),
                Reads("100k tokens from an empty prompt: quadratic in the tokens generated", 32, 8, 128, 2, promptTokens: 0, newTokens: 100_000),
            ],
        },

        new Exercise<CoreIntensity>
        {
            Id = "5.3b",
            Title = "Arithmetic intensity of prefill and decode",
            Points = 3,
            Notebook = "05.3",
            Task = "The attention core of one layer for L = queries new tokens, the last L of S = keys positions, causal (query i sits at position i + S − L and sees keys 0 .. i + S − L). FLOPs: 2·headDim for the score and 2·headDim for the weighted value of every visible (query, key) pair in every query head. Bytes: read Q and write O (L × heads × headDim each), read K and V (S × kvHeads × headDim each), bytesPerValue per number. Return FLOPs / bytes.",
            SameAs = [typeof(CostModel)],
            Cases =
            [
                Intensity("Llama-3-8B prefill of 4096 tokens", 4096, 4096, 32, 8, 128, 2),
                Intensity("its decode step at context 4096", 1, 4096, 32, 8, 128, 2),
                Intensity("the same decode step without GQA (kvHeads = heads)", 1, 4096, 32, 32, 128, 2),
                Intensity("a chunk of 512 new tokens after 3584 cached", 512, 4096, 32, 8, 128, 2),
                Intensity("one token, no context: L = S = 1, fp32", 1, 1, 4, 4, 16, 4),
            ],
        },
    ];

    private static GradedCase Reads(string name, int layers, int kvHeads, int headDim, int bytes, long promptTokens, long newTokens) =>
        Cases.Value(
            name,
            () =>
            {
                long total = 0;
                for (long s = 1; s <= newTokens; s++)
                {
                    total += CostModel.KvCacheBytes(layers, kvHeads, headDim, promptTokens + s, bytes);
                }

                return total;
            },
            () => [layers, kvHeads, headDim, bytes, promptTokens, newTokens],
            "each step reads 2 · layers · kvHeads · headDim · bytesPerValue bytes per cached token, and the cache grows by one token per step: the total is a sum over s (or its closed form), quadratic in newTokens.",
            tolerance: 0);

    private static GradedCase Intensity(string name, long L, long S, int heads, int kvHeads, int headDim, int bytes) =>
        Cases.Value(
            name,
            () =>
            {
                double flops = 4.0 * heads * headDim * CostModel.VisiblePairs(L, S, causal: true);
                double moved = ((2.0 * L * heads * headDim) + (2.0 * S * kvHeads * headDim)) * bytes;
                return flops / moved;
            },
            () => [L, S, heads, kvHeads, headDim, bytes],
            "count visible pairs with the bottom-right alignment (prefill: N(N + 1)/2; decode: S); K and V are read once per KV head, not once per query head.",
            tolerance: 1e-9);
}
