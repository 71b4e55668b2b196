using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 5.5: cross-attention over a batch of padded memories, and a whole cross-attention layer with its projections.</summary>
internal static class CrossAttentionExercises
{
    /// <summary>Exercise 5.5a: the function the student writes.</summary>
    public delegate Tensor CrossAttend(Tensor Q, Tensor Kmem, Tensor Vmem, int[] memoryLengths);

    /// <summary>Exercise 5.5b: the function the student writes.</summary>
    public delegate Tensor CrossAttentionLayer(Tensor X, Tensor memory, Tensor W_Q, Tensor W_K, Tensor W_V, Tensor W_O, int heads);

    public static Exercise[] All =>
    [
        new Exercise<CrossAttend>
        {
            Id = "5.5a",
            Title = "Cross-attention over padded memories",
            Points = 3,
            Notebook = "05.5",
            Task = "Q [B, H, Lq, d] from the decoder; Kmem, Vmem [B, H, Lm, d] from the encoder, where batch row b has memoryLengths[b] real tokens and then padding. Every query sees every real memory token (no causal mask) and no padding; a memory with no real token gives zeros. Return [B, H, Lq, d].",
            SameAs = [.. KvCacheExercises.Attends],
            Cases =
            [
                Cross("two memories of lengths 5 and 3 (padded to 5)", [5, 3], Lq: 4, seed: 551),
                Cross("one memory, no padding", [6], Lq: 2, seed: 552),
                Cross("an empty memory next to a full one: its outputs are zeros", [0, 4], Lq: 3, seed: 553),
            ],
        },

        new Exercise<CrossAttentionLayer>
        {
            Id = "5.5b",
            Title = "A cross-attention layer",
            Points = 3,
            Notebook = "05.5",
            Task = "X [B, Lq, d_model] are the decoder's tokens, memory [B, Lm, d_mem] the encoder's output. Queries come from X (W_Q [d_model, d_model]), keys and values from memory (W_K, W_V [d_mem, d_model]); split each into `heads` heads of d_model / heads, attend with no mask, concatenate the heads and project with W_O [d_model, d_model]. Return [B, Lq, d_model].",
            SameAs = [.. KvCacheExercises.Attends],
            Cases =
            [
                Layer("B = 1, Lq = 3 decoder tokens over Lm = 5 memory tokens, 2 heads", B: 1, Lq: 3, Lm: 5, dModel: 8, dMemory: 8, heads: 2, seed: 554),
                Layer("a memory of another width: d_mem = 6, d_model = 8", B: 2, Lq: 2, Lm: 4, dModel: 8, dMemory: 6, heads: 4, seed: 555),
                Layer("more decoder tokens than memory tokens: Lq = 6, Lm = 2", B: 1, Lq: 6, Lm: 2, dModel: 6, dMemory: 10, heads: 3, seed: 556),
                Layer("one head", B: 1, Lq: 4, Lm: 3, dModel: 5, dMemory: 7, heads: 1, seed: 557),
            ],
        },
    ];

    private static GradedCase Layer(string name, int B, int Lq, int Lm, int dModel, int dMemory, int heads, int seed)
    {
        Tensor[] Inputs() =>
        [
            Tensor.Random(seed, [B, Lq, dModel]), Tensor.Random(seed + 1, [B, Lm, dMemory]),
            Tensor.Random(seed + 2, [dModel, dModel], 1 / Math.Sqrt(dModel)), Tensor.Random(seed + 3, [dMemory, dModel], 1 / Math.Sqrt(dMemory)),
            Tensor.Random(seed + 4, [dMemory, dModel], 1 / Math.Sqrt(dMemory)), Tensor.Random(seed + 5, [dModel, dModel], 1 / Math.Sqrt(dModel)),
        ];
        return Cases.Tensor(
            name,
            () =>
            {
                Tensor[] x = Inputs();
                return new CrossAttention(new MultiHeadAttention(x[2], x[3], x[4], x[5], heads)).Forward(x[0], x[1]);
            },
            () => [.. Inputs(), heads],
            "Q = X W_Q, K = memory W_K, V = memory W_V; head a uses feature columns a·d_k .. (a + 1)·d_k − 1 of each; softmax over the Lm memory tokens with scale 1/√d_k, d_k = d_model / heads.");
    }

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
