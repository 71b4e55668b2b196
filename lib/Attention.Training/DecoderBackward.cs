using Attention.Models;

namespace Attention.Training;

/// <summary>
/// Backpropagation through the whole <see cref="AttentionOnlyDecoder"/>, reading the forward's <see cref="DecoderTrace"/>
/// and walking the model's lines in reverse:
/// <code>
/// logits = x_L W_U                 dW_U = x_Lᵀ dlogits          dx_L = dlogits W_Uᵀ
/// x_{l+1} = x_l + Merge(z) W_O     the residual passes dx_{l+1} to x_l unchanged, and through the layer:
///   dW_O = Merge(z)ᵀ dx            dz = Split(dx W_Oᵀ)
///   z = attention(Q, K, V)         dQ, dK, dV   (<see cref="AttentionBackward"/>)
///   Q, K = RoPE(·)                 rotated back (<see cref="RopeBackward"/>; RoPE models only)
///   Q = x_l W_Q, …                 dW_Q = x_lᵀ Merge(dQ), …;  dx_l += Merge(dQ) W_Qᵀ + Merge(dK) W_Kᵀ + Merge(dV) W_Vᵀ
/// x₀ = W_E[tokens] + W_pos[n]      row t of dW_E collects dx₀ at every position holding token t; row n of dW_pos, dx₀ at n
/// </code>
/// </summary>
public static class DecoderBackward
{
    /// <summary>∂loss/∂(every parameter), in a <see cref="DecoderWeights"/> laid out like the model's.</summary>
    /// <param name="model">The model the trace came from.</param>
    /// <param name="trace">Its forward pass (without head edits).</param>
    /// <param name="dLogits">∂loss/∂logits [B, N, V].</param>
    public static DecoderWeights Gradients(AttentionOnlyDecoder model, DecoderTrace trace, Tensor dLogits)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trace);
        Shapes.Require(dLogits, nameof(dLogits), "[batch, seq, vocab]", trace.Logits.Shape);
        var c = model.Config;
        var W = model.Weights;

        Tensor dWU = LinearBackward.WeightGradient(trace.Final, dLogits);
        Tensor dx = LinearBackward.InputGradient(dLogits, W.WU);
        var layers = new DecoderLayerWeights[c.Layers];
        for (int l = c.Layers - 1; l >= 0; l--)
        {
            var t = trace.Layers[l];
            var Wl = W.Layers[l];
            Tensor dWO = LinearBackward.WeightGradient(t.Concatenated, dx);
            Tensor dz = Heads.Split(LinearBackward.InputGradient(dx, Wl.WO), c.Heads);

            var g = AttentionBackward.Backward(t.Q, t.K, t.V, t.Weights, dz);
            bool rope = c.Positions == PositionEncoding.Rope;
            Tensor dQ = Heads.Merge(rope ? RopeBackward.Apply(g.dQ, 0, AttentionOnlyDecoder.Layout, c.RopeTheta) : g.dQ);
            Tensor dK = Heads.Merge(rope ? RopeBackward.Apply(g.dK, 0, AttentionOnlyDecoder.Layout, c.RopeTheta) : g.dK);
            Tensor dV = Heads.Merge(g.dV);

            layers[l] = new DecoderLayerWeights(
                LinearBackward.WeightGradient(t.Input, dQ), LinearBackward.WeightGradient(t.Input, dK), LinearBackward.WeightGradient(t.Input, dV), dWO);
            dx = Sum(dx, LinearBackward.InputGradient(dQ, Wl.WQ), LinearBackward.InputGradient(dK, Wl.WK), LinearBackward.InputGradient(dV, Wl.WV));
        }

        var dWE = new Tensor(c.Vocab, c.DModel);
        Tensor? dWP = W.WP is null ? null : new Tensor(c.Context, c.DModel);
        int d = c.DModel, N = trace.Tokens[0].Length;
        for (int b = 0; b < trace.Tokens.Length; b++)
        {
            for (int n = 0; n < N; n++)
            {
                ReadOnlySpan<float> dx0 = dx.Data.AsSpan(((b * N) + n) * d, d);
                Span<float> row = dWE.Data.AsSpan(trace.Tokens[b][n] * d, d);
                System.Numerics.Tensors.TensorPrimitives.Add(row, dx0, row);
                if (dWP is not null)
                {
                    Span<float> position = dWP.Data.AsSpan(n * d, d);
                    System.Numerics.Tensors.TensorPrimitives.Add(position, dx0, position);
                }
            }
        }

        return new DecoderWeights(c, dWE, dWP, layers, dWU);
    }

    private static Tensor Sum(params Tensor[] terms)
    {
        var total = terms[0].Clone();
        foreach (var term in terms.Skip(1))
        {
            System.Numerics.Tensors.TensorPrimitives.Add(total.Data, term.Data, total.Data);
        }

        return total;
    }
}
