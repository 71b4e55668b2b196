namespace Attention.Models;

/// <summary>How the decoder knows where a token is.</summary>
public enum PositionEncoding
{
    /// <summary>A learned vector per position added to the token embedding (GPT-2): x₀ = W_E[t] + W_pos[n]; inputs ≤ Context tokens.</summary>
    Learned,

    /// <summary>RoPE on queries and keys in every layer (Llama): no position table, any length.</summary>
    Rope,

    /// <summary>ALiBi (Press et al. 2022): a penalty −m_h · distance on every logit, one slope per head; no position table, any length.</summary>
    Alibi,
}

/// <summary>
/// The shape of the course's attention-only decoder: a token embedding (plus learned positions, or RoPE in every layer),
/// <see cref="Layers"/> causal multi-head attention layers, each added to the residual stream, and an unembedding. No MLP,
/// no LayerNorm, no biases: what it can do, its heads must do.
/// </summary>
/// <param name="Vocab">V, the number of token ids (0 .. V − 1).</param>
/// <param name="DModel">d_model, the width of the residual stream.</param>
/// <param name="Heads">h, heads per layer; d_head = d_model / h.</param>
/// <param name="Layers">The number of attention layers.</param>
/// <param name="Context">The sequence length it was trained on: the size of the position table W_pos (RoPE has none, so
/// longer inputs run too).</param>
/// <param name="Positions">Learned absolute positions or RoPE.</param>
/// <param name="RopeTheta">The RoPE frequency base (interleaved pairs, as in the RoFormer paper).</param>
public sealed record DecoderConfig(
    int Vocab, int DModel, int Heads, int Layers, int Context, PositionEncoding Positions = PositionEncoding.Learned, double RopeTheta = 10000)
{
    /// <summary>The configuration of the shipped model: V = 64, d_model = 64, 4 heads of 16, 2 layers, learned positions, 64 tokens.</summary>
    public static DecoderConfig Shipped { get; } = new(Vocab: 64, DModel: 64, Heads: 4, Layers: 2, Context: 64);

    /// <summary>The longest input the model accepts: Context with learned positions, unbounded with RoPE or ALiBi.</summary>
    public int MaxLength => Positions == PositionEncoding.Learned ? Context : int.MaxValue;

    /// <summary>d_head = d_model / h.</summary>
    public int HeadDim => DModel / Heads;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first field that cannot describe a decoder.</summary>
    public void Validate()
    {
        Shapes.RequirePositive(Vocab, nameof(Vocab));
        Shapes.RequirePositive(DModel, nameof(DModel));
        Shapes.RequirePositive(Heads, nameof(Heads));
        Shapes.RequirePositive(Layers, nameof(Layers));
        Shapes.RequirePositive(Context, nameof(Context));
        if (DModel % Heads != 0 || HeadDim % 2 != 0)
        {
            throw new ArgumentException(
                $"DModel ({DModel}) must be Heads ({Heads}) × an even head size (RoPE rotates pairs); got head size {DModel / (double)Heads}.",
                nameof(DModel));
        }

        if (Positions is not (PositionEncoding.Learned or PositionEncoding.Rope or PositionEncoding.Alibi))
        {
            throw new ArgumentException($"Positions must be Learned, Rope or Alibi; got {Positions}.", nameof(Positions));
        }

        if (!(RopeTheta > 1) || double.IsInfinity(RopeTheta))
        {
            throw new ArgumentException($"RopeTheta must be a finite base > 1; got {RopeTheta}.", nameof(RopeTheta));
        }
    }
}
