using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 5.3: the cache bytes a generation reads, and the chunk size at which prefill turns compute-bound.</summary>
internal static class PrefillDecodeExercises
{
    /// <summary>Exercise 5.3a: the function the student writes.</summary>
    public delegate long GenerationKvReads(int layers, int kvHeads, int headDim, int bytesPerValue, long promptTokens, long newTokens, long window);

    /// <summary>Exercise 5.3b: the function the student writes.</summary>
    public delegate long ChunkForRidge(long keys, int heads, int kvHeads, int headDim, int bytesPerValue, double ridge);

    public static Exercise[] All =>
    [
        new Exercise<GenerationKvReads>
        {
            Id = "5.3a",
            Title = "The cache bytes a generation reads",
            Points = 2,
            Notebook = "05.3",
            Task = "After a prefill of promptTokens, the model generates newTokens tokens, one decode step each. In every step every layer reads from its cache the K and V "
                + "of each token its new query attends to (the new token's own K and V are written first and read too): kvHeads × headDim values each, bytesPerValue bytes "
                + "per value. window = 0: attention is full; window = W > 0: a query attends to the last W positions only, its own included. "
                + "How many bytes do all the decode steps read together? Return a long.",
            SameAs = [typeof(CostModel), typeof(KvCache), typeof(SlidingWindowKvCache), typeof(CachedAttention)],
            StoresAnswers = true,
            Cases =
            [
                Reads("no new tokens: nothing read", 12, 12, 64, 2, promptTokens: 100, newTokens: 0, window: 0),
                Reads("one token after an empty prompt reads its own K and V", 2, 4, 8, 4, promptTokens: 0, newTokens: 1, window: 0),
                Reads("GPT-2 small: 3 tokens after a 1024-token prompt", 12, 12, 64, 2, promptTokens: 1024, newTokens: 3, window: 0),
                Reads("Llama-3-8B: 8k new tokens after an 8k prompt (past 2³¹ bytes)", 32, 8, 128, 2, promptTokens: 8192, newTokens: 8192, window: 0),
                Reads("Mistral-7B's 4096 window: 8k new tokens after a 1k prompt", 32, 8, 128, 2, promptTokens: 1024, newTokens: 8192, window: 4096),
                Reads("a window longer than the whole generation changes nothing", 2, 2, 16, 2, promptTokens: 10, newTokens: 20, window: 1000),
            ],
        },

        new Exercise<ChunkForRidge>
        {
            Id = "5.3b",
            Title = "The chunk that makes prefill compute-bound",
            Points = 3,
            Notebook = "05.3",
            Task = "A chunk of L new tokens is prefilled against a context of S = keys positions: the L queries are the last L positions, causal (query i sits at position "
                + "i + S − L). Count the attention core of one layer: FLOPs are 2·headDim for the score and 2·headDim for the weighted value of every visible (query, key) pair "
                + "in every query head; bytes are Q read and O written (L × heads × headDim values each) and K and V read (S × kvHeads × headDim each), bytesPerValue per value. "
                + "Return the smallest L in 1 .. S whose FLOPs per byte reach `ridge` (the machine's balance point), or −1 when no chunk does.",
            SameAs = [typeof(CostModel)],
            StoresAnswers = true,
            Cases =
            [
                Ridge("Llama-3-8B, context 4096, fp16, ridge 150 (an H100)", 4096, 32, 8, 128, 2, 150),
                Ridge("the same on a CPU with ridge 10", 4096, 32, 8, 128, 2, 10),
                Ridge("without GQA (kvHeads = heads), ridge 10", 4096, 32, 32, 128, 2, 10),
                Ridge("decode already reaches a low ridge: L = 1", 4096, 32, 8, 128, 2, 1),
                Ridge("a short context cannot reach ridge 300: −1", 256, 32, 8, 128, 2, 300),
                Ridge("one position, fp32, ridge 0.5: −1", 1, 4, 4, 16, 4, 0.5),
                Ridge("ridge 1800: some chunks shorter than S reach it, L = S does not", 4096, 32, 8, 128, 2, 1800),
            ],
        },
    ];

    private static GradedCase Reads(string name, int layers, int kvHeads, int headDim, int bytes, long promptTokens, long newTokens, long window) =>
        PracticeAnswers.Value<long>(
            "5.3a",
            name,
            () => [layers, kvHeads, headDim, bytes, promptTokens, newTokens, window],
            "count what one step reads before summing: it depends on how long the context is at that step, and with a window it stops growing.",
            tolerance: 0);

    private static GradedCase Ridge(string name, long S, int heads, int kvHeads, int headDim, int bytes, double ridge) =>
        PracticeAnswers.Value<long>(
            "5.3b",
            name,
            () => [S, heads, kvHeads, headDim, bytes, ridge],
            "FLOPs per byte need not grow with L all the way to S (the earliest queries of a long chunk see few keys): a search that assumes it does can miss.",
            tolerance: 0);
}
