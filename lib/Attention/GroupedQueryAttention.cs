namespace Attention;

/// <summary>
/// Grouped-query attention (GQA): h query heads share h_kv key/value heads, h_kv dividing h. Query head i reads
/// KV head ⌊i / (h / h_kv)⌋, so W_K and W_V are only h_kv · d_k wide and the KV cache shrinks by h / h_kv.
/// h_kv = h is multi-head attention; h_kv = 1 is multi-query attention (MQA, e.g. Falcon-7B);
/// Llama-2-70B and Llama-3 use h = 64 or 32 query heads over h_kv = 8.
/// <code>
/// Q = X W_Q  → [B, h,    N, d_k]     W_Q [d_model, h·d_k]
/// K = X W_K  → [B, h_kv, N, d_k]     W_K [d_model, h_kv·d_k]
/// V = X W_V  → [B, h_kv, N, d_v]     W_V [d_model, h_kv·d_v]
/// Y = MultiHeadAttention(Q, RepeatKv(K), RepeatKv(V)) W_O
/// </code>
/// The computation is <see cref="MultiHeadAttention"/>'s, whose attention kernel reads the shared KV head directly
/// instead of materialising <see cref="RepeatKv"/>; the two are equal (a test checks it).
/// </summary>
public sealed class GroupedQueryAttention : MultiHeadAttention
{
    /// <summary>Builds grouped-query attention from its weights (validated; not copied).</summary>
    /// <param name="WQ">Query projection [d_model, h·d_k].</param>
    /// <param name="WK">Key projection [d_model, h_kv·d_k].</param>
    /// <param name="WV">Value projection [d_model, h_kv·d_v].</param>
    /// <param name="WO">Output projection [h·d_v, d_model].</param>
    /// <param name="heads">The number of query heads h.</param>
    /// <param name="kvHeads">The number of key/value heads h_kv; must divide <paramref name="heads"/>.</param>
    /// <param name="bQ">Optional query bias [h·d_k].</param>
    /// <param name="bK">Optional key bias [h_kv·d_k].</param>
    /// <param name="bV">Optional value bias [h_kv·d_v].</param>
    /// <param name="bO">Optional output bias [d_model].</param>
    /// <exception cref="ArgumentException">A shape does not fit, or kvHeads does not divide heads.</exception>
    public GroupedQueryAttention(
        Tensor WQ, Tensor WK, Tensor WV, Tensor WO, int heads, int kvHeads,
        Tensor? bQ = null, Tensor? bK = null, Tensor? bV = null, Tensor? bO = null)
        : base(WQ, WK, WV, WO, heads, kvHeads, bQ, bK, bV, bO)
    {
    }

    /// <summary>The width h_kv · d_k of the key projection (and of one token's keys in a KV cache, per layer).</summary>
    public int KvWidth => KvHeads * HeadDim;

    /// <summary>The number of query heads sharing one KV head, h / h_kv.</summary>
    public int GroupSize => Heads / KvHeads;

    /// <summary>
    /// Hides the inherited <see cref="MultiHeadAttention.Random"/>: without it, a call that forgets kvHeads would bind
    /// to the base method and silently return plain multi-head attention. Pass kvHeads instead.
    /// </summary>
    [Obsolete("GroupedQueryAttention needs kvHeads: call GroupedQueryAttention.Random(seed, dModel, heads, kvHeads).", error: true)]
    public static new MultiHeadAttention Random(int seed, int dModel, int heads, bool bias = false) =>
        throw new NotSupportedException("Call GroupedQueryAttention.Random(seed, dModel, heads, kvHeads).");

    /// <summary>
    /// Random grouped-query self-attention with d_k = d_v = d_model / heads and weights from N(0, 1/fan_in),
    /// drawn like <see cref="MultiHeadAttention.Random"/>.
    /// </summary>
    /// <exception cref="ArgumentException">dModel is not a multiple of heads, or kvHeads does not divide heads.</exception>
    public static GroupedQueryAttention Random(int seed, int dModel, int heads, int kvHeads, bool bias = false)
    {
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        if (heads % kvHeads != 0)
        {
            throw new ArgumentException(
                $"kvHeads ({kvHeads}) must divide heads ({heads}) so every KV head serves the same number of query heads.",
                nameof(kvHeads));
        }

        var p = RandomParameters(seed, dModel, dModel, heads, kvHeads, bias);
        return new GroupedQueryAttention(p.WQ, p.WK, p.WV, p.WO, heads, kvHeads, p.bQ, p.bK, p.bV, p.bO);
    }

    /// <summary>
    /// Repeats every KV head <paramref name="nRep"/> times: [B, h_kv, S, d] → [B, h_kv · nRep, S, d], with output head i
    /// a copy of KV head ⌊i / nRep⌋ (Llama's <c>repeat_kv</c>). After it, GQA is plain multi-head attention.
    /// </summary>
    /// <param name="kv">Keys or values [batch, kvHeads, seq, headDim].</param>
    /// <param name="nRep">Copies per KV head, h / h_kv ≥ 1.</param>
    public static Tensor RepeatKv(Tensor kv, int nRep)
    {
        Shapes.Require(kv, nameof(kv), "[batch, kvHeads, seq, headDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        Shapes.RequirePositive(nRep, nameof(nRep));
        int B = kv.Dim(0), H = kv.Dim(1), S = kv.Dim(2), d = kv.Dim(3);
        var repeated = new Tensor(B, H * nRep, S, d);
        int block = S * d;
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H * nRep; h++)
            {
                kv.Data.AsSpan(((b * H) + (h / nRep)) * block, block).CopyTo(repeated.Data.AsSpan(((b * H * nRep) + h) * block, block));
            }
        }

        return repeated;
    }
}
