namespace Attention;

/// <summary>
/// The key/value cache of one decoder attention layer: the projected keys and values of every token seen so far,
/// stored per KV head as [batch, kvHeads, capacity, headDim] and [batch, kvHeads, capacity, valueDim], of which the
/// first <see cref="Length"/> positions are filled. Because it holds per-head tensors after projection (and after
/// RoPE, if the model uses it), the same cache serves multi-head (kvHeads = heads), grouped-query and multi-query
/// (kvHeads = 1) attention; only its size changes. Decode reads it with <see cref="CachedAttention"/>.
/// </summary>
public sealed class KvCache
{
    private readonly float[] keys;
    private readonly float[] values;

    /// <summary>Allocates an empty cache for up to <paramref name="capacity"/> tokens.</summary>
    /// <param name="batch">B, the number of sequences decoded together.</param>
    /// <param name="kvHeads">H_kv, the number of key/value heads (divides the number of query heads).</param>
    /// <param name="headDim">d, the size of one key vector.</param>
    /// <param name="valueDim">d_v, the size of one value vector (usually = d).</param>
    /// <param name="capacity">The most tokens (prompt + generated) the cache can hold.</param>
    public KvCache(int batch, int kvHeads, int headDim, int valueDim, int capacity)
    {
        Shapes.RequirePositive(batch, nameof(batch));
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        Shapes.RequirePositive(headDim, nameof(headDim));
        Shapes.RequirePositive(valueDim, nameof(valueDim));
        Shapes.RequirePositive(capacity, nameof(capacity));
        (Batch, KvHeads, HeadDim, ValueDim, Capacity) = (batch, kvHeads, headDim, valueDim, capacity);
        keys = new float[checked(batch * kvHeads * capacity * headDim)];
        values = new float[checked(batch * kvHeads * capacity * valueDim)];
    }

    /// <summary>B, the batch size.</summary>
    public int Batch { get; }

    /// <summary>H_kv, the number of key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>d, the key size.</summary>
    public int HeadDim { get; }

    /// <summary>d_v, the value size.</summary>
    public int ValueDim { get; }

    /// <summary>The most tokens the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>The number of tokens cached so far (also the position of the next token).</summary>
    public int Length { get; private set; }

    /// <summary>The cached keys as a new tensor [B, H_kv, Length, d] (a copy: the cache's own rows are spaced by capacity).</summary>
    public Tensor Keys => Slice(keys, HeadDim);

    /// <summary>The cached values as a new tensor [B, H_kv, Length, d_v].</summary>
    public Tensor Values => Slice(values, ValueDim);

    /// <summary>
    /// Appends the keys and values of T ≥ 1 new tokens at positions Length .. Length + T − 1.
    /// </summary>
    /// <param name="Knew">New keys [B, H_kv, T, d].</param>
    /// <param name="Vnew">New values [B, H_kv, T, d_v], same T.</param>
    /// <exception cref="ArgumentException">A shape does not match the cache, or a value is not finite.</exception>
    /// <exception cref="InvalidOperationException">Length + T would exceed <see cref="Capacity"/>.</exception>
    public void Append(Tensor Knew, Tensor Vnew)
    {
        int T = CheckNew(Knew, Vnew, Batch, KvHeads, HeadDim, ValueDim);
        if (Length + T > Capacity)
        {
            throw new InvalidOperationException(
                $"appending {T} tokens to a cache holding {Length} would exceed its capacity of {Capacity} tokens.");
        }

        for (int b = 0; b < Batch; b++)
        {
            for (int h = 0; h < KvHeads; h++)
            {
                for (int t = 0; t < T; t++)
                {
                    Knew.Row(b, h, t).CopyTo(keys.AsSpan(Offset(b, h, Length + t, HeadDim), HeadDim));
                    Vnew.Row(b, h, t).CopyTo(values.AsSpan(Offset(b, h, Length + t, ValueDim), ValueDim));
                }
            }
        }

        Length += T;
    }

    /// <summary>
    /// The memory the <see cref="Length"/> cached tokens take: B · H_kv · Length · (d + d_v) · bytesPerValue.
    /// With d_v = d this is the course formula 2 · kv_heads · head_dim · bytes_per_value per token and layer
    /// (multiply by the number of layers for a whole model).
    /// </summary>
    /// <param name="bytesPerValue">2 for fp16/bf16, 4 for fp32, 1 for int8.</param>
    public long Bytes(int bytesPerValue)
    {
        Shapes.RequirePositive(bytesPerValue, nameof(bytesPerValue));
        return (long)Batch * KvHeads * Length * (HeadDim + ValueDim) * bytesPerValue;
    }

    /// <summary>Forgets the tokens after <paramref name="length"/> (undo of an append whose attention step failed).</summary>
    internal void Truncate(int length) => Length = Math.Min(Length, length);

    /// <summary>
    /// Checks a chunk of new keys [B, H_kv, T, d] and values [B, H_kv, T, d_v] and returns T.
    /// Shared with <see cref="SlidingWindowKvCache"/>.
    /// </summary>
    internal static int CheckNew(Tensor Knew, Tensor Vnew, int B, int H, int d, int dv)
    {
        Shapes.Require(Knew, nameof(Knew), "[batch, kvHeads, newTokens, headDim]", B, H, Shapes.Any, d);
        Shapes.RequireNonEmpty(Knew, nameof(Knew), "[batch, kvHeads, newTokens, headDim]");
        int T = Knew.Dim(2);
        Shapes.Require(Vnew, nameof(Vnew), "[batch, kvHeads, newTokens, valueDim]", B, H, T, dv);
        Shapes.RequireFinite(Knew, nameof(Knew));
        Shapes.RequireFinite(Vnew, nameof(Vnew));
        return T;
    }

    private int Offset(int b, int h, int position, int width) => (((((b * KvHeads) + h) * Capacity) + position) * width);

    private Tensor Slice(float[] store, int width)
    {
        var t = new Tensor(Batch, KvHeads, Length, width);
        for (int b = 0; b < Batch; b++)
        {
            for (int h = 0; h < KvHeads; h++)
            {
                for (int p = 0; p < Length; p++)
                {
                    store.AsSpan(Offset(b, h, p, width), width).CopyTo(t.Row(b, h, p));
                }
            }
        }

        return t;
    }
}

/// <summary>
/// Decoder attention against a KV cache, at the level of projected per-head tensors (the caller does the Q/K/V
/// projections, RoPE and the output projection). Each step appends the new keys and values to the cache and then
/// attends the new queries to <em>all</em> cached keys with the causal mask aligned
/// <see cref="CausalAlignment.BottomRight"/> (the new queries are the last positions of the key sequence), through
/// <see cref="ScaledDotProductAttention"/>. The result equals the full causal forward pass over the whole sequence,
/// for any split into prompt and generated tokens.
/// <para>
/// <b>Two workloads.</b> <em>Prefill</em> processes the whole prompt at once: L = N queries against S = N keys,
/// an N × N score matrix per head (matrix–matrix products, compute-bound). <em>Decode</em> generates one token per
/// step: L = 1 query against S = Length + 1 keys, one score row per head (matrix–vector products): each step reads
/// the whole cache for a little arithmetic, so it is memory-bound. Prefill is decode on an empty cache with L = N.
/// </para>
/// </summary>
public static class CachedAttention
{
    /// <summary>
    /// Processes the whole prompt (L = S = N, causal) and fills the empty <paramref name="cache"/> with its keys and values.
    /// </summary>
    /// <param name="cache">An empty cache (Length = 0) for B sequences and H_kv heads.</param>
    /// <param name="Q">Prompt queries [B, Hq, N, d]; H_kv divides Hq.</param>
    /// <param name="K">Prompt keys [B, H_kv, N, d].</param>
    /// <param name="V">Prompt values [B, H_kv, N, d_v].</param>
    /// <param name="bias">Optional additive logit bias broadcast to [B, Hq, N, N] (e.g. <see cref="Alibi.Bias"/>).</param>
    /// <param name="scale">Multiplier of Q Kᵀ; default 1/√d.</param>
    /// <returns>O [B, Hq, N, d_v].</returns>
    public static Tensor Prefill(KvCache cache, Tensor Q, Tensor K, Tensor V, Tensor? bias = null, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        RequireEmpty(cache.Length, nameof(cache));
        return Decode(cache, Q, K, V, bias, scale);
    }

    /// <summary>
    /// One decode step with T ≥ 1 new tokens (T = 1 in ordinary generation; T &gt; 1 for chunked prefill or
    /// speculative decoding): appends <paramref name="Knew"/>, <paramref name="Vnew"/> to the cache, then attends
    /// <paramref name="Qnew"/> to all S = Length keys, new token t seeing cached positions 0 .. S − T + t.
    /// If the attention step throws (e.g. a bad <paramref name="bias"/>), the append is undone.
    /// </summary>
    /// <param name="cache">The layer's cache; grows by T.</param>
    /// <param name="Qnew">New queries [B, Hq, T, d]; H_kv divides Hq.</param>
    /// <param name="Knew">New keys [B, H_kv, T, d].</param>
    /// <param name="Vnew">New values [B, H_kv, T, d_v].</param>
    /// <param name="bias">Optional additive bias broadcast to [B, Hq, T, S] with S = cache length <em>after</em> the append.</param>
    /// <param name="scale">Multiplier of Q Kᵀ; default 1/√d.</param>
    /// <returns>O [B, Hq, T, d_v].</returns>
    public static Tensor Decode(KvCache cache, Tensor Qnew, Tensor Knew, Tensor Vnew, Tensor? bias = null, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        int T = KvCache.CheckNew(Knew, Vnew, cache.Batch, cache.KvHeads, cache.HeadDim, cache.ValueDim);
        CheckQueries(Qnew, cache.Batch, cache.KvHeads, T, cache.HeadDim);

        int before = cache.Length;
        cache.Append(Knew, Vnew);
        try
        {
            return ScaledDotProductAttention.Forward(
                Qnew, cache.Keys, cache.Values, bias: bias, causal: CausalAlignment.BottomRight, scale: scale);
        }
        catch
        {
            cache.Truncate(before);
            throw;
        }
    }

    /// <summary>
    /// Processes the whole prompt with sliding-window attention (query p sees keys p − W + 1 .. p) and leaves
    /// its last min(N, W) tokens in the empty rolling <paramref name="cache"/>.
    /// </summary>
    /// <param name="cache">An empty rolling cache (Position = 0).</param>
    /// <param name="Q">Prompt queries [B, Hq, N, d].</param>
    /// <param name="K">Prompt keys [B, H_kv, N, d].</param>
    /// <param name="V">Prompt values [B, H_kv, N, d_v].</param>
    /// <param name="bias">Optional additive bias broadcast to [B, Hq, N, N].</param>
    /// <param name="scale">Multiplier of Q Kᵀ; default 1/√d.</param>
    /// <returns>O [B, Hq, N, d_v].</returns>
    public static Tensor Prefill(SlidingWindowKvCache cache, Tensor Q, Tensor K, Tensor V, Tensor? bias = null, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        RequireEmpty(cache.Position, nameof(cache));
        return Decode(cache, Q, K, V, bias, scale);
    }

    /// <summary>
    /// One sliding-window decode step with T ≥ 1 new tokens at absolute positions P .. P + T − 1 (P = Position).
    /// The keys are the held tokens (positions P − Length .. P − 1) followed by the chunk, S = Length + T, masked
    /// by <see cref="Mask.SlidingWindow(int, int, int)"/>(T, S, W); only then is the chunk written into the buffer,
    /// because for T &gt; 1 its later tokens overwrite slots its earlier queries still need.
    /// </summary>
    /// <param name="cache">The layer's rolling cache; Position grows by T.</param>
    /// <param name="Qnew">New queries [B, Hq, T, d]; H_kv divides Hq.</param>
    /// <param name="Knew">New keys [B, H_kv, T, d].</param>
    /// <param name="Vnew">New values [B, H_kv, T, d_v].</param>
    /// <param name="bias">Optional additive bias broadcast to [B, Hq, T, S] with S = Length + T (held keys, then the chunk).</param>
    /// <param name="scale">Multiplier of Q Kᵀ; default 1/√d.</param>
    /// <returns>O [B, Hq, T, d_v].</returns>
    public static Tensor Decode(
        SlidingWindowKvCache cache, Tensor Qnew, Tensor Knew, Tensor Vnew, Tensor? bias = null, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        int T = KvCache.CheckNew(Knew, Vnew, cache.Batch, cache.KvHeads, cache.HeadDim, cache.ValueDim);
        CheckQueries(Qnew, cache.Batch, cache.KvHeads, T, cache.HeadDim);

        Tensor K = Tensor.Concat(cache.Keys, Knew, axis: 2), V = Tensor.Concat(cache.Values, Vnew, axis: 2);
        int S = K.Dim(2);
        Tensor O = ScaledDotProductAttention.Forward(
            Qnew, K, V, mask: Mask.SlidingWindow(T, S, cache.Window), bias: bias, scale: scale);
        cache.Append(Knew, Vnew);
        return O;
    }

    private static void RequireEmpty(int length, string argument)
    {
        if (length != 0)
        {
            throw new ArgumentException(
                $"{argument} must be empty for prefill; it already holds {length} tokens (use Decode to continue a sequence).", argument);
        }
    }

    private static void CheckQueries(Tensor Qnew, int B, int kvHeads, int T, int d)
    {
        Shapes.Require(Qnew, nameof(Qnew), "[batch, queryHeads, newTokens, headDim]", B, Shapes.Any, T, d);
        Shapes.RequireNonEmpty(Qnew, nameof(Qnew), "[batch, queryHeads, newTokens, headDim]");
        if (Qnew.Dim(1) % kvHeads != 0)
        {
            throw new ArgumentException(
                $"Qnew has {Qnew.Dim(1)} heads (shape {Qnew.ShapeText}), which the cache's {kvHeads} KV heads do not divide.", nameof(Qnew));
        }

        Shapes.RequireFinite(Qnew, nameof(Qnew));
    }
}
