namespace Attention;

/// <summary>Notebook 5.2: one decode step against a KV cache, including a chunk of several new tokens and an empty cache.</summary>
internal static class KvCacheExercises
{
    internal static readonly string[] Attends =
    [
        "Attention.ScaledDotProductAttention", "Attention.CachedAttention", "Attention.KvCache", "Attention.SlidingWindowKvCache",
        "Attention.Softmax", "Attention.OnlineSoftmax", "Attention.FlashAttention", "Attention.MultiHeadAttention",
        "Attention.GroupedQueryAttention", "Attention.CrossAttention", "Attention.SparseAttention", "Attention.Mask",
    ];

    public static Exercise[] All =>
    [
        new Exercise<Func<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>>(
            "5.2a", "A decode step against the cache", 3, "05.2",
            "Tensor DecodeStep(Tensor Kcache, Tensor Vcache, Tensor q, Tensor k, Tensor v)",
            "Kcache, Vcache [B, H, S, d] hold S earlier tokens (S may be 0); q, k, v [B, H, T, d] are T new tokens. Append k, v to the cache, then return each new query's attention output over the S + T keys it may see, [B, H, T, d]: new token t sees every cached key and the new keys 0..t.",
            Attends,
            Step("a first token against an empty cache: S = 0, T = 1", B: 1, H: 2, S: 0, T: 1, d: 4, seed: 521),
            Step("one new token after 6 cached: S = 6, T = 1", B: 2, H: 3, S: 6, T: 1, d: 5, seed: 522),
            Step("a chunk of 3 new tokens after 4 cached: S = 4, T = 3", B: 1, H: 2, S: 4, T: 3, d: 4, seed: 523),
            Step("a chunk into an empty cache is a causal prefill: S = 0, T = 5", B: 1, H: 1, S: 0, T: 5, d: 6, seed: 524)),
    ];

    // Expected: the full causal attention over all S + T tokens, read at the last T rows — cached decode must equal it.
    private static GradedCase Step(string name, int B, int H, int S, int T, int d, int seed) =>
        Cases.Tensor(
            name,
            () =>
            {
                var (Kc, Vc, q, k, v) = Inputs(B, H, S, T, d, seed);
                Tensor Kall = Concat(Kc, k), Vall = Concat(Vc, v);
                return ScaledDotProductAttention.Forward(q, Kall, Vall, causal: CausalAlignment.BottomRight);
            },
            () =>
            {
                var (Kc, Vc, q, k, v) = Inputs(B, H, S, T, d, seed);
                return [Kc, Vc, q, k, v];
            },
            "concatenate along the token axis (cache first), scale scores by 1/√d, and mask new token t's scores for keys beyond S + t before the softmax.");

    private static (Tensor Kc, Tensor Vc, Tensor q, Tensor k, Tensor v) Inputs(int B, int H, int S, int T, int d, int seed) =>
        (S == 0 ? new Tensor(B, H, 0, d) : Tensor.Random(seed, [B, H, S, d]),
         S == 0 ? new Tensor(B, H, 0, d) : Tensor.Random(seed + 1, [B, H, S, d]),
         Tensor.Random(seed + 2, [B, H, T, d]), Tensor.Random(seed + 3, [B, H, T, d]), Tensor.Random(seed + 4, [B, H, T, d]));

    private static Tensor Concat(Tensor a, Tensor b)
    {
        int B = a.Dim(0), H = a.Dim(1), Sa = a.Dim(2), Sb = b.Dim(2), d = a.Dim(3);
        var all = new Tensor(B, H, Sa + Sb, d);
        for (int x = 0; x < B; x++)
        {
            for (int h = 0; h < H; h++)
            {
                // Offsets computed directly: an empty cache (Sa = 0) has no index to ask for.
                int start = ((x * H) + h) * (Sa + Sb) * d;
                a.Data.AsSpan(((x * H) + h) * Sa * d, Sa * d).CopyTo(all.Data.AsSpan(start, Sa * d));
                b.Data.AsSpan(((x * H) + h) * Sb * d, Sb * d).CopyTo(all.Data.AsSpan(start + (Sa * d), Sb * d));
            }
        }

        return all;
    }
}
