using System.Buffers;

namespace Attention.Models;

// The decoder's logits under a head-output edit (ablation), recomputed from a trace without keeping intermediates.
public sealed partial class AttentionOnlyDecoder
{
    /// <summary>
    /// The logits of <paramref name="trace"/>'s tokens with <paramref name="edit"/> applied, recomputed only from the
    /// first layer the edit changes: the layers before it are the trace's, and that layer's attention too, since an edit
    /// acts on its head outputs after attention. Equal to <c>Logits(trace.Tokens, edit)</c>; an ablation of the last
    /// layer costs one W_O and one W_U product instead of a forward pass.
    /// </summary>
    /// <param name="trace">An unedited trace of this model (<see cref="Trace"/> without an edit).</param>
    /// <param name="edit">The edit; it returns its input itself for a layer it leaves alone, and never modifies it.</param>
    public Tensor Logits(DecoderTrace trace, HeadOutputEdit edit)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(edit);
        if (trace.Layers.Count != Config.Layers)
        {
            throw new ArgumentException($"trace has {trace.Layers.Count} layers; this model has {Config.Layers}.", nameof(trace));
        }

        for (int l = 0; l < Config.Layers; l++)
        {
            DecoderLayerTrace layer = trace.Layers[l];
            Tensor z = edit(l, layer.HeadOutputs);
            if (ReferenceEquals(z, layer.HeadOutputs))
            {
                continue;
            }

            // From here on nobody reads an intermediate: the residual stream and each step's buffers are rented, and only
            // the head outputs an edit receives and the logits are tensors. Fresh memory is most of a cold notebook's
            // wait (the held-out ablations allocated 285 MiB), and these are the same float operations in the same order.
            int B = layer.Input.Dim(0), N = layer.Input.Dim(1), size = B * N * Config.DModel;
            float[] x = ArrayPool<float>.Shared.Rent(size);
            try
            {
                layer.Input.Data.CopyTo(x, 0);
                AddAttentionOutput(l, z, x, B, N);
                for (int next = l + 1; next < Config.Layers; next++)
                {
                    AddSelfAttentionLayer(next, x, B, N, edit);
                }

                var logits = new Tensor(B, N, Config.Vocab);
                Linear.Forward(x, B * N, Weights.WU, null, logits.Data);
                return logits;
            }
            finally
            {
                ArrayPool<float>.Shared.Return(x);
            }
        }

        return trace.Logits;
    }

    // x += (causal self-attention of layer l on x, edited) as Layer computes it, with positions 0 .. N − 1 and Q, K, V in
    // rented buffers (x holds the first B·N·d_model floats of the residual stream).
    private void AddSelfAttentionLayer(int l, float[] x, int B, int N, HeadOutputEdit edit)
    {
        int h = Config.Heads, dHead = Config.HeadDim, size = B * N * Config.DModel;
        float[] Q = ArrayPool<float>.Shared.Rent(size), K = ArrayPool<float>.Shared.Rent(size), V = ArrayPool<float>.Shared.Rent(size);
        try
        {
            ProjectQkv(l, x, B, N, Positions(B, N, 0), Q, K, V);
            var z = new Tensor(B, h, N, dHead);
            ScaledDotProductAttention.Attend(
                Q, K, V, z.Data, null, new AttentionShape(B, h, N, dHead, h, N, dHead), mask: null, PositionBias(N, N),
                Mask.CausalOffset(N, N, CausalAlignment.TopLeft), ScaledDotProductAttention.DefaultScale(dHead));
            AddAttentionOutput(l, edit(l, z), x, B, N);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(Q);
            ArrayPool<float>.Shared.Return(K);
            ArrayPool<float>.Shared.Return(V);
        }
    }

    // x += Merge(z) W_O of layer l, in place through rented buffers.
    private void AddAttentionOutput(int l, Tensor z, float[] x, int B, int N)
    {
        int h = Config.Heads, dHead = Config.HeadDim, size = B * N * Config.DModel;
        Shapes.Require(z, "edit(layer, headOutputs)", "[batch, heads, seq, headDim]", B, h, N, dHead);
        float[] merged = ArrayPool<float>.Shared.Rent(size), output = ArrayPool<float>.Shared.Rent(size);
        try
        {
            Heads.Merge(z.Data, B, h, N, dHead, merged);
            Linear.Forward(merged, B * N, Weights.Layers[l].WO, null, output);
            System.Numerics.Tensors.TensorPrimitives.Add(x.AsSpan(0, size), output.AsSpan(0, size), x.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(merged);
            ArrayPool<float>.Shared.Return(output);
        }
    }
}
