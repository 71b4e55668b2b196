using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.5: grouped-query attention — sharding its heads, the context its cache allows, converting a checkpoint, one shared key head.</summary>
internal static class GroupedQueryExercises
{
    /// <summary>Exercise 4.5a: the function the student writes.</summary>
    public delegate int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device);

    /// <summary>Exercise 4.5b: the function the student writes.</summary>
    public delegate long MaxContextTokens(long budgetBytes, int batch, int layers, int slidingLayers, int window, int kvHeads, int headDim, int bytesPerValue);

    /// <summary>Exercise 4.5c: the function the student writes.</summary>
    public delegate Tensor MeanPoolKvHeads(Tensor W_K, int nHeads, int nKvHeads);

    /// <summary>Exercise 4.5d: the function the student writes.</summary>
    public delegate Tensor PackedMqa(int[] tokens, int vocab, int dK);

    public static Exercise[] All =>
    [
        new Exercise<KvHeadsOnDevice>
        {
            Id = "4.5a",
            Title = "The KV heads a tensor-parallel device holds",
            Points = 1,
            Notebook = "04.5",
            Task = "Tensor parallelism splits a layer's nHeads query heads into `devices` equal shards of consecutive heads; device r computes shard r. "
                + "With grouped-query attention, each of the nKvHeads KV heads serves an equal group of consecutive query heads. Which KV heads must device r hold? "
                + "Return them in increasing order. A configuration that cannot be split this way is rejected with an ArgumentException.",
            SameAs = [typeof(ScaledDotProductAttention), typeof(GroupedQueryAttention)],
            StoresAnswers = true,
            Cases =
            [
                Devices("Llama-3-8B (32 query, 8 KV heads) on 4 devices: device 1", 32, 8, 4, 1),
                Devices("Llama-3-8B on 16 devices: device 5", 32, 8, 16, 5),
                Devices("multi-head (8 and 8) on 2 devices: device 1", 8, 8, 2, 1),
                Devices("12 query heads, 4 KV heads, 6 devices: device 1", 12, 4, 6, 1),
                Cases.Throws<ArgumentException>(
                    "32 query heads on 3 devices is rejected",
                    () => [32, 8, 3, 0],
                    "a shard is a whole number of query heads."),
            ],
        },

        new Exercise<MaxContextTokens>
        {
            Id = "4.5b",
            Title = "The longest context a cache budget allows",
            Points = 2,
            Notebook = "04.5",
            Task = "A decoder caches K and V in every layer for every token of each of `batch` sequences: kvHeads × headDim values each, bytesPerValue bytes per value. "
                + "slidingLayers of its layers attend to a sliding window and keep only the last `window` tokens (as Gemma's local layers do); the others keep every token. "
                + "Return the longest context, in tokens per sequence, whose cache fits in budgetBytes (long.MaxValue when any length fits; 0 when not even one token does). "
                + "Sizes must be positive and 0 ≤ slidingLayers ≤ layers, else an ArgumentException.",
            SameAs = [typeof(CostModel), typeof(ModelConfig)],
            StoresAnswers = true,
            Cases =
            [
                Context("Llama-2-7B (32 layers, 32 KV heads of 128), fp16, batch 1, 16 GiB", 16L << 30, 1, 32, 0, 4096, 32, 128, 2),
                Context("Llama-3-70B (80 layers, 8 KV heads of 128), fp16, batch 8, 40 GB", 40_000_000_000, 8, 80, 0, 4096, 8, 128, 2),
                Context("Gemma-2-9B-like: 42 layers, half local with a 4096 window, 8 KV heads of 256, bf16, batch 1, 8 GiB", 8L << 30, 1, 42, 21, 4096, 8, 256, 2),
                Context("a budget the window alone fills: 42 layers, 21 local, window 4096, 1 GiB", 1L << 30, 1, 42, 21, 4096, 8, 256, 2),
                Context("every layer local: any length fits", 4L << 30, 1, 26, 26, 1024, 4, 128, 2),
                Context("not one token fits", 100, 1, 2, 0, 16, 1, 64, 2),
                Cases.Throws<ArgumentException>(
                    "more sliding layers than layers is rejected",
                    () => [1L << 30, 1, 4, 5, 128, 2, 64, 2],
                    "a decoder cannot have more local layers than layers."),
            ],
        },

        new Exercise<MeanPoolKvHeads>
        {
            Id = "4.5c",
            Title = "Convert a multi-head checkpoint to grouped-query",
            Points = 2,
            Notebook = "04.5",
            Task = "W_K [d_model, nHeads·d_k] is a multi-head key projection (head a owns columns a·d_k .. (a+1)·d_k − 1). Convert it to grouped-query attention with "
                + "nKvHeads key heads the way the GQA paper (Ainslie et al., 2023) builds its starting checkpoint: each new key head replaces one group of consecutive "
                + "heads and is their mean. Return W_K' [d_model, nKvHeads·d_k]. Shapes that cannot be grouped are rejected with an ArgumentException.",
            SameAs = [typeof(GroupedQueryAttention), typeof(ScaledDotProductAttention)],
            StoresAnswers = true,
            Cases =
            [
                Pooled("8 heads of d_k = 2 into 2 groups, d_model = 3", 3, 8, 2, 2, seed: 451),
                Pooled("4 heads of d_k = 3 into 1 (multi-query)", 2, 4, 3, 1, seed: 452),
                Pooled("6 heads into 6: nothing to pool", 2, 6, 1, 6, seed: 453),
                Cases.Throws<ArgumentException>(
                    "6 heads into 4 groups is rejected",
                    () => [Tensor.Random(454, [2, 12]), 6, 4],
                    "every group holds the same number of heads."),
            ],
        },

        new Exercise<PackedMqa>
        {
            Id = "4.5d",
            Title = "One shared key head for two jobs",
            Points = 3,
            Notebook = "04.5",
            Task = "return [3, n, dK]: [0] the one shared key row k_j per position, [1] the queries of a previous-token head (query i reads key i − 1), [2] those of a same-token head (query i reads an EARLIER position holding its own token, not itself; queries whose token is new are not scored); causal, scale 1/√d_k. With d_k = 4 one-hot codes do not fit.",
            SameAs = [],
            Property = (arguments, output) => PackedProblem((int[])arguments[0]!, (int)arguments[1]!, (int)arguments[2]!, output),
            Cases =
            [
                Packed("the cat sat on the mat because it was tired: n = 10, 9 words, d_k = 4", [0, 1, 2, 3, 0, 4, 5, 6, 7, 8], 9, 4),
                Packed("a repeating sentence, n = 16, 5 words, d_k = 4", [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0], 5, 4),
                Packed("two words only, n = 12, d_k = 4", [0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0], 2, 4),
                Packed("one token repeated, n = 6, 1 word, d_k = 6", [0, 0, 0, 0, 0, 0], 1, 6),
                Packed("one repeat far from its first occurrence, n = 16, 16 words, d_k = 4", [0, 3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 3, 14], 16, 4),
            ],
        },
    ];

    // Judged by what the construction does, not by its numbers: any packing whose two heads, under a causal mask,
    // put > 0.99 of each row on the previous position and on the keys holding the query's own token passes.
    private static GradedCase Packed(string name, int[] tokens, int vocab, int dK)
    {
        string hint = "two kinds of information share d_k numbers: position and token. Ask, for each head, which coordinates its query must read, and what separates the query's own key from an earlier copy of its token.";
        return Cases.Single(name, () => [tokens.Clone(), vocab, dK], hint, (output, _) => PackedProblem(tokens, vocab, dK, output));
    }

    private static string? PackedProblem(int[] tokens, int vocab, int dK, object? output)
    {
        int n = tokens.Length;
        if (output is not Tensor packed || !packed.Shape.AsSpan().SequenceEqual([3, n, dK]))
        {
            return $"expected a tensor of shape [3, {n}, {dK}], got {(output is Tensor t ? t.ShapeText : Cases.Describe(output))}";
        }

        if (Array.FindIndex(packed.Data, v => !float.IsFinite(v)) is int bad and >= 0)
        {
            return $"the result has {packed.Data[bad]} at {Cases.IndexText(packed, bad)}";
        }

        var K = new Tensor(packed.Data[..(n * dK)], 1, 1, n, dK);
        var Q = new Tensor(packed.Data[(n * dK)..], 1, 2, n, dK);
        Tensor W = ScaledDotProductAttention.ForwardWithWeights(Q, K, new Tensor(1, 1, n, 1), causal: CausalAlignment.TopLeft).Weights!;
        var previous = new Tensor(W.Data[..(n * n)], n, n);
        // The same-token score counts only EARLIER keys holding the query's token, over the queries that have one: a head
        // that reads its own key carries no token information and scores 0.
        double previousScore = Diagnostics.PreviousTokenScore(previous), sameScore = 0;
        int repeats = 0;
        for (int i = 0; i < n; i++)
        {
            if (!tokens[..i].Contains(tokens[i]))
            {
                continue;
            }

            repeats++;
            for (int j = 0; j < i; j++)
            {
                sameScore += tokens[j] == tokens[i] ? W[0, 1, i, j] : 0;
            }
        }

        sameScore = repeats == 0 ? 1 : sameScore / repeats; // no query has an earlier copy: nothing to score
        return previousScore > 0.99 && sameScore > 0.99 ? null
            : $"previous-token score {previousScore:F4} (head [1]) and same-token score {sameScore:F4} (head [2], weight on earlier keys with the query's token); both must exceed 0.99";
    }

    private static GradedCase Devices(string name, int nHeads, int nKvHeads, int devices, int device) =>
        PracticeAnswers.Values<int>(
            "4.5a",
            name,
            () => [nHeads, nKvHeads, devices, device],
            "list the query heads of the shard first, then ask which group each belongs to; a shard need not hold whole groups, nor a group whole shards.");

    private static GradedCase Context(string name, long budget, int batch, int layers, int sliding, int window, int kvHeads, int headDim, int bytes) =>
        PracticeAnswers.Value<long>(
            "4.5b",
            name,
            () => [budget, batch, layers, sliding, window, kvHeads, headDim, bytes],
            "the cache size is not one straight line in the context length: ask what grows before the window is full and what grows after. Products of these sizes pass 2³¹.",
            tolerance: 0);

    private static GradedCase Pooled(string name, int dModel, int nHeads, int dK, int nKvHeads, int seed) =>
        PracticeAnswers.Tensor(
            "4.5c",
            name,
            () => [Tensor.Random(seed, [dModel, nHeads * dK]), nHeads, nKvHeads],
            "a group is consecutive heads, and a head is a block of d_k columns: pool whole heads, column by matching column.",
            tolerance: 1e-6);
}
