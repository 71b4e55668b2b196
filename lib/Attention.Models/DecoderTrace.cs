namespace Attention.Models;

/// <summary>
/// One attention layer of the decoder, every intermediate kept (TransformerLens: resid_pre, q, k, v, pattern, z, attn_out).
/// The backward pass reads exactly these.
/// </summary>
/// <param name="Input">The residual stream entering the layer, x_l [B, N, d_model].</param>
/// <param name="Q">Queries (after RoPE in a RoPE model) [B, h, N, d_head].</param>
/// <param name="K">Keys (after RoPE in a RoPE model) [B, h, N, d_head].</param>
/// <param name="V">Values [B, h, N, d_head].</param>
/// <param name="Weights">Causal attention weights [B, h, N, N]; row i sums to one over keys 0..i.</param>
/// <param name="HeadOutputs">Per-head outputs weights · V [B, h, N, d_head], after any edit (ablation).</param>
/// <param name="Concatenated">Heads concatenated [B, N, d_model].</param>
/// <param name="Output">What the layer adds to the residual stream, Concatenated · W_O [B, N, d_model].</param>
public sealed record DecoderLayerTrace(
    Tensor Input, Tensor Q, Tensor K, Tensor V, Tensor Weights, Tensor HeadOutputs, Tensor Concatenated, Tensor Output);

/// <summary>A whole forward pass of the decoder.</summary>
/// <param name="Tokens">The input token ids, [B][N].</param>
/// <param name="Layers">Each attention layer's trace, layer 0 first.</param>
/// <param name="Final">The residual stream after the last layer [B, N, d_model].</param>
/// <param name="Logits">Next-token logits Final · W_U [B, N, V]: row n predicts token n + 1.</param>
public sealed record DecoderTrace(int[][] Tokens, IReadOnlyList<DecoderLayerTrace> Layers, Tensor Final, Tensor Logits);
