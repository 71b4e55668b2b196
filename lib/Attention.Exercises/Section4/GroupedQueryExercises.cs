using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 4.5: grouped-query attention, the KV cache it shrinks, and repeating KV heads.</summary>
internal static class GroupedQueryExercises
{
    /// <summary>Exercise 4.5a: the function the student writes.</summary>
    public delegate int KvHeadFor(int queryHead, int nHeads, int nKvHeads);

    /// <summary>Exercise 4.5b: the function the student writes.</summary>
    public delegate long KvCacheBytes(int layers, int kvHeads, int headDim, long tokens, int bytesPerValue);

    /// <summary>Exercise 4.5c: the function the student writes.</summary>
    public delegate Tensor RepeatKv(Tensor kv, int nRep);

    /// <summary>Exercise 4.5d: the function the student writes.</summary>
    public delegate Tensor PackedMqa(int[] tokens, int vocab, int dK);

    public static Exercise[] All =>
    [
        new Exercise<KvHeadFor>
        {
            Id = "4.5a",
            Title = "Which KV head a query head reads",
            Points = 1,
            Notebook = "04.5",
            Task = "query head h of nHeads reads KV head ⌊h / (nHeads / nKvHeads)⌋.",
            SameAs = [typeof(ScaledDotProductAttention), typeof(GroupedQueryAttention)],
            Cases =
            [
                KvHeads("multi-head: 4 query heads, 4 KV heads", 4, 4),
                KvHeads("grouped: 8 query heads, 2 KV heads", 8, 2),
                KvHeads("multi-query: 6 query heads, 1 KV head", 6, 1),
                KvHeads("Llama-3-8B: 32 query heads, 8 KV heads", 32, 8),
            ],
        },

        new Exercise<KvCacheBytes>
        {
            Id = "4.5b",
            Title = "KV-cache bytes",
            Points = 2,
            Notebook = "04.5",
            Task = "bytes = 2 (K and V) × layers × kvHeads × headDim × bytesPerValue × tokens, as a long.",
            SameAs = [typeof(CostModel)],
            Cases =
            [
                CacheBytes("GPT-2 small, 1024 tokens, fp16", 12, 12, 64, 1024, 2),
                CacheBytes("Llama-2-70B, 4096 tokens, fp16", 80, 8, 128, 4096, 2),
                CacheBytes("Falcon-7B (one KV head), 2048 tokens, fp16", 32, 1, 64, 2048, 2),
                CacheBytes("Mixtral-8x7B, one million tokens, fp32 (needs a long)", 32, 8, 128, 1_000_000, 4),
            ],
        },

        new Exercise<RepeatKv>
        {
            Id = "4.5c",
            Title = "Repeat KV heads",
            Points = 2,
            Notebook = "04.5",
            Task = "kv [B, h_kv, S, d] → [B, h_kv · nRep, S, d]; output head i is a copy of KV head ⌊i / nRep⌋.",
            SameAs = [typeof(GroupedQueryAttention), typeof(ScaledDotProductAttention)],
            Cases =
            [
                Repeat("B=1, 2 KV heads, S=3, d=4, nRep=3", [1, 2, 3, 4], 3, seed: 451),
                Repeat("B=2, 1 KV head (multi-query), S=5, d=2, nRep=4", [2, 1, 5, 2], 4, seed: 452),
                Repeat("nRep=1 is a copy", [1, 3, 2, 2], 1, seed: 453),
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

    // One call per query head; the first wrong head is reported.
    private static GradedCase KvHeads(string name, int nHeads, int nKvHeads)
    {
        string hint = $"consecutive groups of nHeads / nKvHeads = {nHeads / nKvHeads} query heads share one KV head.";
        return new(name, hint, () => [.. Enumerable.Range(0, nHeads).Select(h => new object?[] { h, nHeads, nKvHeads })], (_, outcomes) =>
        {
            for (int h = 0; h < nHeads; h++)
            {
                int expected = ScaledDotProductAttention.KvHead(h, nHeads, nKvHeads);
                if (Cases.Unexpected(outcomes[h], hint) is { } threw)
                {
                    return threw;
                }

                if (outcomes[h].Output is not int got || got != expected)
                {
                    return $"query head {h} should read KV head {expected}, got {outcomes[h].Output ?? "null"}. Hint: {hint}";
                }
            }

            return null;
        });
    }

    private static GradedCase CacheBytes(string name, int layers, int kvHeads, int headDim, long tokens, int bytesPerValue) =>
        Cases.Value<long>(
            name,
            () => CostModel.KvCacheBytes(layers, kvHeads, headDim, tokens, bytesPerValue),
            () => [layers, kvHeads, headDim, tokens, bytesPerValue],
            "2 (one K and one V) × layers × kvHeads × headDim × bytesPerValue per token, times tokens; start the product with 2L so it is computed in long.");

    private static GradedCase Repeat(string name, int[] shape, int nRep, int seed) =>
        Cases.Tensor(
            name,
            () => GroupedQueryAttention.RepeatKv(Tensor.Random(seed, shape), nRep),
            () => [Tensor.Random(seed, shape), nRep],
            $"consecutive copies: output heads 0..{nRep - 1} are KV head 0, the next {nRep} are KV head 1, …",
            tolerance: 0);
}
