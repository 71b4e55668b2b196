namespace Attention;

/// <summary>
/// Every intermediate of one multi-head attention call, named like TransformerLens hooks
/// (hook_q, hook_k, hook_v, attn_scores, pattern, z, result): read them, never recompute them.
/// </summary>
/// <param name="Q">Queries split into heads [B, h, L, d_k].</param>
/// <param name="K">Keys split into heads [B, h_kv, S, d_k] (h_kv = h for plain multi-head attention).</param>
/// <param name="V">Values split into heads [B, h_kv, S, d_v].</param>
/// <param name="Scores">Raw logits scale · Q Kᵀ [B, h, L, S], before any mask.</param>
/// <param name="Weights">softmax(masked scores) [B, h, L, S]; each row sums to one over its visible keys.</param>
/// <param name="HeadOutputs">Per-head outputs weights · V [B, h, L, d_v].</param>
/// <param name="Concatenated">Heads concatenated along features [B, L, h · d_v].</param>
/// <param name="Output">Concatenated · W_O (+ b_O) [B, L, d_model].</param>
public sealed record MultiHeadAttentionTrace(
    Tensor Q, Tensor K, Tensor V, Tensor Scores, Tensor Weights, Tensor HeadOutputs, Tensor Concatenated, Tensor Output);
