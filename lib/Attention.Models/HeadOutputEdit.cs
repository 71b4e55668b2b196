namespace Attention.Models;

/// <summary>
/// Rewrites the per-head outputs [B, h, N, d_head] of one layer before W_O (return them unchanged to leave the layer alone):
/// the hook for ablation and path patching, in the course's decoder and in the pretrained encoder alike.
/// </summary>
public delegate Tensor HeadOutputEdit(int layer, Tensor headOutputs);
