namespace Attention;

/// <summary>FLOPs of one attention layer (2 FLOPs per multiply-add), split as section 6 discusses them.</summary>
/// <param name="Scores">QKᵀ: 2 · B · Hq · pairs · d, over the visible (query, key) pairs only.</param>
/// <param name="WeightedValues">weights · V: 2 · B · Hq · pairs · d.</param>
/// <param name="Projections">Q, K, V and O projections: 2 · B · L · d_model · (Hq + 2H) · d + 2 · B · L · Hq · d · d_model.</param>
/// <param name="Softmax">5 · B · Hq · pairs elementwise ops (max, subtract, exp, add, divide per visible score); not multiply-adds.</param>
public sealed record AttentionFlops(long Scores, long WeightedValues, long Projections, long Softmax)
{
    /// <summary>The quadratic part, Scores + WeightedValues (the 4 · B · H · N² · d of the forward pass).</summary>
    public long Core => checked(Scores + WeightedValues);

    /// <summary>Everything counted: Core + Projections + Softmax.</summary>
    public long Total => checked(Core + Projections + Softmax);

    /// <summary>Every count multiplied by <paramref name="k"/> (e.g. the number of layers).</summary>
    public AttentionFlops Times(long k) => new(checked(Scores * k), checked(WeightedValues * k), checked(Projections * k), checked(Softmax * k));
}

/// <summary>Bytes one attention layer moves between HBM and the chip when every tensor crosses once (a lower bound).</summary>
/// <param name="WeightBytes">The projection weights W_Q, W_K, W_V, W_O, read once per step.</param>
/// <param name="KvReadBytes">Cached keys and values read by the attention kernel.</param>
/// <param name="KvWriteBytes">The new tokens' keys and values appended to the cache.</param>
/// <param name="ActivationBytes">X read, Q written and read, attention output written and read, Y written: B · L · (2 d_model + 4 Hq d) values.</param>
public sealed record MemoryTraffic(long WeightBytes, long KvReadBytes, long KvWriteBytes, long ActivationBytes)
{
    /// <summary>All bytes moved.</summary>
    public long Total => checked(WeightBytes + KvReadBytes + KvWriteBytes + ActivationBytes);

    /// <summary>Every count multiplied by <paramref name="k"/> (e.g. the number of layers).</summary>
    public MemoryTraffic Times(long k) => new(checked(WeightBytes * k), checked(KvReadBytes * k), checked(KvWriteBytes * k), checked(ActivationBytes * k));
}

/// <summary>The work and the traffic of one step (a prefill or one decode step), and their ratio.</summary>
public sealed record StepCost(AttentionFlops Flops, MemoryTraffic Traffic)
{
    /// <summary>Arithmetic intensity, FLOPs per byte moved: high for prefill (compute-bound), about 1 · batch for decode (memory-bound).</summary>
    public double Intensity => (double)Flops.Total / Traffic.Total;
}

/// <summary>
/// Exact cost counts of attention (section 6.1): KV-cache bytes, FLOPs, bytes moved, score-matrix memory, parameters.
/// Symbols: B batch, Hq query heads, H KV heads, d head dimension, L new queries, S keys (S includes the L new tokens),
/// N sequence length, W sliding window (keys per query, including the query itself).
/// </summary>
public static class CostModel
{
    /// <summary>Elementwise softmax ops counted per visible score: max, subtract, exp, add (row sum), divide.</summary>
    public const int SoftmaxOpsPerScore = 5;

    /// <summary>KV-cache bytes = 2 · layers · kvHeads · headDim · bytesPerValue · tokens (the 2: one K and one V vector).</summary>
    /// <exception cref="ArgumentException">A size below 1, or tokens below 0.</exception>
    public static long KvCacheBytes(int layers, int kvHeads, int headDim, long tokens, int bytesPerValue)
    {
        Shapes.RequirePositive(layers, nameof(layers));
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        Shapes.RequirePositive(headDim, nameof(headDim));
        Shapes.RequirePositive(bytesPerValue, nameof(bytesPerValue));
        RequireNonNegative(tokens, nameof(tokens));
        return checked(2L * layers * kvHeads * headDim * bytesPerValue * tokens);
    }

    /// <summary>
    /// KV-cache bytes per token of model <paramref name="m"/>: 2 · layers · kvHeads · headDim · bytesPerValue, or for
    /// multi-head latent attention layers · (d_c + d_R) · bytesPerValue (one latent and one RoPE key, no per-head K or V).
    /// </summary>
    public static long KvCacheBytesPerToken(ModelConfig m, int bytesPerValue)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Latent is LatentKv latent)
        {
            Shapes.RequirePositive(bytesPerValue, nameof(bytesPerValue));
            return checked((long)m.Layers * latent.ValuesPerToken * bytesPerValue);
        }

        return KvCacheBytes(m.Layers, m.KvHeads, m.HeadDim, 1, bytesPerValue);
    }

    /// <summary>
    /// KV-cache bytes of <paramref name="batch"/> sequences of <paramref name="tokens"/> tokens:
    /// batch · min(tokens, W) · bytes per token. A sliding-window model keeps only its last W tokens (Mistral's rolling
    /// buffer, slot i mod W), so its cache stops growing at the window; without a window every token stays.
    /// </summary>
    /// <exception cref="ArgumentException">tokens below 0 or beyond the model's context; batch or bytesPerValue below 1.</exception>
    public static long KvCacheBytes(ModelConfig m, long tokens, int batch, int bytesPerValue)
    {
        ArgumentNullException.ThrowIfNull(m);
        RequireNonNegative(tokens, nameof(tokens));
        Shapes.RequirePositive(batch, nameof(batch));
        if (tokens > m.Context)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens, $"{m.Name} has a context of {m.Context} tokens; got tokens = {tokens}.");
        }

        long cached = m.Window is int W ? Math.Min(tokens, W) : tokens;
        return checked(batch * cached * KvCacheBytesPerToken(m, bytesPerValue));
    }

    /// <summary>
    /// Visible (query, key) pairs when the last <paramref name="L"/> of <paramref name="S"/> positions query all S keys.
    /// Not causal: L · S. Causal (query at position p sees keys 0..p): L · S − L(L − 1)/2, which for L = S = N is
    /// N(N + 1)/2 — the "half" of N² is N²/2 + N/2. With a window W, position p sees min(p + 1, W) keys.
    /// </summary>
    /// <exception cref="ArgumentException">L or S below 1, L &gt; S when causal, a window without causal, or W below 1.</exception>
    public static long VisiblePairs(long L, long S, bool causal, long? window = null)
    {
        RequireQueriesAndKeys(L, S, causal, window);
        if (!causal)
        {
            return checked(L * S);
        }

        // Σ_{p=0}^{x−1} min(p + 1, W): a triangle up to W, then W per position.
        long Prefix(long x) => window is long W && x > W ? checked((W * (W + 1) / 2) + ((x - W) * W)) : checked(x * (x + 1) / 2);
        return Prefix(S) - Prefix(S - L);
    }

    /// <summary>
    /// FLOPs of one attention layer for <paramref name="L"/> new queries against <paramref name="S"/> keys
    /// (prefill of N tokens: L = S = N; one decode step at context n: L = 1, S = n). Scores and weighted values count
    /// visible pairs only (a kernel that skips masked blocks); pass causal: false for a dense kernel that computes all L · S.
    /// The 1/√d scale is folded into W_Q and not counted.
    /// </summary>
    /// <exception cref="ArgumentException">A size below 1, kvHeads not dividing heads, or invalid L, S, window.</exception>
    public static AttentionFlops Flops(int B, int heads, int kvHeads, long L, long S, int headDim, int dModel, bool causal, long? window = null)
    {
        RequireHeads(B, heads, kvHeads, headDim, dModel);
        long pairs = VisiblePairs(L, S, causal, window);
        long scores = checked(2L * B * heads * pairs * headDim);
        long weightedValues = checked(2L * B * heads * pairs * headDim);
        long projections = checked((2L * B * L * dModel * (heads + (2L * kvHeads)) * headDim) + (2L * B * L * heads * headDim * dModel));
        long softmax = checked((long)SoftmaxOpsPerScore * B * heads * pairs);
        return new AttentionFlops(scores, weightedValues, projections, softmax);
    }

    /// <summary>
    /// The textbook approximation of the attention core: 4 · B · H · N² · d for the forward pass, half of it when
    /// causal. Exact for causal is 4 · B · H · N(N + 1)/2 · d (<see cref="Flops"/>): the approximation drops the diagonal.
    /// </summary>
    public static long ApproxAttentionFlops(int B, int H, long N, int headDim, bool causal)
    {
        RequireHeads(B, H, H, headDim, 1);
        RequireQueriesAndKeys(N, N, causal, null);
        long dense = checked(4L * B * H * N * N * headDim);
        return causal ? dense / 2 : dense;
    }

    /// <summary>
    /// Bytes moved by one attention layer when each tensor crosses HBM once (fused attention: the L × S scores never
    /// reach HBM; <see cref="IoModel"/> counts the rereads of tiling) in a self-attention step whose L new tokens
    /// append their K and V to the cache. Keys read: all S, or with a window the min(S, L + W − 1) that some query sees.
    /// </summary>
    public static MemoryTraffic Traffic(int B, int heads, int kvHeads, long L, long S, int headDim, int dModel, int bytesPerValue, long? window = null)
    {
        RequireHeads(B, heads, kvHeads, headDim, dModel);
        RequireQueriesAndKeys(L, S, causal: false, window: null);
        Shapes.RequirePositive(bytesPerValue, nameof(bytesPerValue));
        if (window is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"window must be at least 1; got {window}.");
        }

        long keysRead = window is long W ? Math.Min(S, L + W - 1) : S;
        long kvPerToken = checked(2L * kvHeads * headDim * bytesPerValue);
        return new MemoryTraffic(
            WeightBytes: checked(AttentionParameters(dModel, heads, kvHeads, headDim, bias: false) * bytesPerValue),
            KvReadBytes: checked(B * keysRead * kvPerToken),
            KvWriteBytes: checked(B * L * kvPerToken),
            ActivationBytes: checked(B * L * ((2L * dModel) + (4L * heads * headDim)) * bytesPerValue));
    }

    /// <summary>Prefill of N tokens through every attention layer of <paramref name="m"/> (causal, its window if any).</summary>
    public static StepCost Prefill(ModelConfig m, int batch, long N, int bytesPerValue) => Step(m, batch, N, N, bytesPerValue);

    /// <summary>One decode step at context length n (the new token included) through every attention layer of <paramref name="m"/>.</summary>
    public static StepCost DecodeStep(ModelConfig m, int batch, long n, int bytesPerValue) => Step(m, batch, 1, n, bytesPerValue);

    /// <summary>
    /// Memory of the materialised score matrix, B · H · N² · bytesPerValue: quadratic in N, so doubling the tokens
    /// quadruples it (section 6.1) — what FlashAttention avoids by never writing it out.
    /// </summary>
    public static long ScoreMatrixBytes(int B, int H, long N, int bytesPerValue)
    {
        Shapes.RequirePositive(B, nameof(B));
        Shapes.RequirePositive(H, nameof(H));
        Shapes.RequirePositive(bytesPerValue, nameof(bytesPerValue));
        RequireNonNegative(N, nameof(N));
        return checked((long)B * H * N * N * bytesPerValue);
    }

    /// <summary>
    /// Parameters of the attention projections: W_Q [d_model, Hq·d], W_K and W_V [d_model, H·d], W_O [Hq·d, d_model],
    /// i.e. d_model · (Hq + 2H) · d + Hq · d · d_model, plus (Hq + 2H) · d + d_model biases. MHA: H = Hq; GQA: H divides
    /// Hq; MQA: H = 1. Fewer KV heads shrink W_K, W_V and the cache alike.
    /// </summary>
    public static long AttentionParameters(int dModel, int heads, int kvHeads, int headDim, bool bias)
    {
        RequireHeads(1, heads, kvHeads, headDim, dModel);
        long weights = checked(((long)dModel * (heads + (2L * kvHeads)) * headDim) + ((long)heads * headDim * dModel));
        long biases = bias ? checked(((heads + (2L * kvHeads)) * headDim) + dModel) : 0;
        return checked(weights + biases);
    }

    private static StepCost Step(ModelConfig m, int batch, long L, long S, int bytesPerValue)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Latent is not null)
        {
            // Absorbed MLA reads one latent per token for all heads and scores over d_c + d_R: not this model's terms.
            throw new ArgumentException($"{m.Name} uses multi-head latent attention; its step cost is not the per-KV-head model here (notebook 7.1).", nameof(m));
        }

        if (S > m.Context)
        {
            throw new ArgumentOutOfRangeException(L == S ? "N" : "n", S, $"{m.Name} has a context of {m.Context} tokens; got {S}.");
        }

        var flops = Flops(batch, m.Heads, m.KvHeads, L, S, m.HeadDim, m.DModel, causal: true, m.Window);
        var traffic = Traffic(batch, m.Heads, m.KvHeads, L, S, m.HeadDim, m.DModel, bytesPerValue, m.Window);
        return new StepCost(flops.Times(m.Layers), traffic.Times(m.Layers));
    }

    private static void RequireHeads(int B, int heads, int kvHeads, int headDim, int dModel)
    {
        Shapes.RequirePositive(B, nameof(B));
        Shapes.RequirePositive(heads, nameof(heads));
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        Shapes.RequirePositive(headDim, nameof(headDim));
        Shapes.RequirePositive(dModel, nameof(dModel));
        if (heads % kvHeads != 0)
        {
            throw new ArgumentException($"kvHeads = {kvHeads} must divide heads = {heads}.", nameof(kvHeads));
        }
    }

    private static void RequireQueriesAndKeys(long L, long S, bool causal, long? window)
    {
        if (L < 1 || S < 1)
        {
            throw new ArgumentOutOfRangeException(L < 1 ? nameof(L) : nameof(S), L < 1 ? L : S, $"L and S must be at least 1; got L = {L}, S = {S}.");
        }

        if (causal && L > S)
        {
            throw new ArgumentException($"Causal attention needs L ≤ S (the L queries are the last L of the S positions); got L = {L}, S = {S}.", nameof(L));
        }

        if (window is long W && (W < 1 || !causal))
        {
            throw new ArgumentException($"window must be at least 1 and used with causal attention; got W = {W}, causal = {causal}.", nameof(window));
        }
    }

    private static void RequireNonNegative(long value, string argument)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be at least 0; got {value}.");
        }
    }
}
