using System.Buffers;

namespace Attention;

/// <summary>
/// Every intermediate of one multi-head attention call, named like TransformerLens hooks
/// (hook_q, hook_k, hook_v, attn_scores, pattern, z, result):
/// <code>
/// Q = Split(X_q W_Q + b_Q)    K = Split(X_kv W_K + b_K)    V = Split(X_kv W_V + b_V)
/// Scores = Q Kᵀ / √d_k        Weights = softmax(Scores + masks)        HeadOutputs = Weights V
/// Concatenated = Merge(HeadOutputs)                                    Output = Concatenated W_O + b_O
/// </code>
/// </summary>
/// <remarks>
/// Each intermediate is computed when first read, by the same code — so to the same bits — as the others, then kept.
/// <see cref="Output"/> alone keeps nothing on its way: its Q, K, V and head outputs live in rented buffers and its
/// weights one head at a time. So a trace costs the memory of what is read: MiniLM's forward at 512 tokens reads only
/// the outputs, where keeping every layer's intermediates would take 100 MiB (72 of them the weights). The trace reads
/// its inputs and the layer's weights when it computes: change neither while you still read from it.
/// </remarks>
public sealed class MultiHeadAttentionTrace
{
    private readonly MultiHeadAttention attention;
    private readonly Tensor Xq, Xkv;
    private readonly Mask? mask;
    private readonly CausalAlignment? causal;
    private Tensor? q, k, v, scores, weights, headOutputs, concatenated, output;

    /// <summary>A trace of <paramref name="attention"/> on inputs it has checked; nothing is computed yet.</summary>
    internal MultiHeadAttentionTrace(MultiHeadAttention attention, Tensor Xq, Tensor Xkv, Mask? mask, CausalAlignment? causal) =>
        (this.attention, this.Xq, this.Xkv, this.mask, this.causal) = (attention, Xq, Xkv, mask, causal);

    /// <summary>Queries split into heads [B, h, L, d_k].</summary>
    public Tensor Q => q ??= Heads.Project(Xq, attention.WQ, attention.BQ, attention.Heads);

    /// <summary>Keys split into heads [B, h_kv, S, d_k] (h_kv = h for plain multi-head attention).</summary>
    public Tensor K => k ??= Heads.Project(Xkv, attention.WK, attention.BK, attention.KvHeads);

    /// <summary>Values split into heads [B, h_kv, S, d_v].</summary>
    public Tensor V => v ??= Heads.Project(Xkv, attention.WV, attention.BV, attention.KvHeads);

    /// <summary>Raw logits scale · Q Kᵀ [B, h, L, S] with scale = 1/√d_k, before any mask.</summary>
    public Tensor Scores => scores ??= ScaledDotProductAttention.Scores(Q, K);

    /// <summary>softmax(masked scores) [B, h, L, S]; each row sums to one over its visible keys.</summary>
    public Tensor Weights => weights ??= ScaledDotProductAttention.Weights(Q, K, mask, causal: causal);

    /// <summary>Per-head outputs weights · V [B, h, L, d_v].</summary>
    public Tensor HeadOutputs => headOutputs ??= ScaledDotProductAttention.Forward(Q, K, V, mask, causal: causal);

    /// <summary>Heads concatenated along features [B, L, h · d_v].</summary>
    public Tensor Concatenated => concatenated ??= Heads.Merge(HeadOutputs);

    /// <summary>Concatenated · W_O (+ b_O) [B, L, d_model]: the layer's output.</summary>
    public Tensor Output => output ??= headOutputs is null ? Attend() : Linear.Forward(Concatenated, attention.WO, attention.BO);

    /// <summary>The output by the same steps as Q … Concatenated, each in a rented buffer: only the result is new memory.</summary>
    private Tensor Attend()
    {
        var a = attention;
        int B = Xq.Dim(0), L = Xq.Dim(1), S = Xkv.Dim(1), dk = a.HeadDim, dv = a.ValueDim;
        var shape = new AttentionShape(B, a.Heads, L, dk, a.KvHeads, S, dv);
        int causalOffset = causal is { } alignment ? Mask.CausalOffset(L, S, alignment) : ScaledDotProductAttention.NoCausalOffset;
        var pool = ArrayPool<float>.Shared;
        float[] Qh = pool.Rent(B * L * a.Heads * dk), Kh = pool.Rent(B * S * a.KvHeads * dk), Vh = pool.Rent(B * S * a.KvHeads * dv);
        float[] O = pool.Rent(B * L * a.Heads * dv), concatenated = pool.Rent(B * L * a.Heads * dv);
        try
        {
            Heads.Project(Xq.Data, B, L, a.WQ, a.BQ, a.Heads, Qh);
            Heads.Project(Xkv.Data, B, S, a.WK, a.BK, a.KvHeads, Kh);
            Heads.Project(Xkv.Data, B, S, a.WV, a.BV, a.KvHeads, Vh);
            ScaledDotProductAttention.Attend(Qh, Kh, Vh, O, null, shape, mask, null, causalOffset, ScaledDotProductAttention.DefaultScale(dk));
            Heads.Merge(O, B, a.Heads, L, dv, concatenated);
            var Y = new Tensor(B, L, a.ModelDim);
            Linear.Forward(concatenated, B * L, a.WO, a.BO, Y.Data);
            return Y;
        }
        finally
        {
            foreach (float[] buffer in (float[][])[Qh, Kh, Vh, O, concatenated])
            {
                pool.Return(buffer);
            }
        }
    }
}
