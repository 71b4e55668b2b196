namespace Attention.Models;

/// <summary>
/// The shape of the course's attention-only decoder: a token embedding, <see cref="Layers"/> causal multi-head attention
/// layers with RoPE on queries and keys, each added to the residual stream, and an unembedding. No MLP, no LayerNorm, no
/// biases: what it can do, its heads must do.
/// </summary>
/// <param name="Vocab">V, the number of token ids (0 .. V − 1).</param>
/// <param name="DModel">d_model, the width of the residual stream.</param>
/// <param name="Heads">h, heads per layer; d_head = d_model / h.</param>
/// <param name="Layers">The number of attention layers.</param>
/// <param name="Context">The sequence length it was trained on. RoPE has no position table, so longer inputs run too.</param>
/// <param name="RopeTheta">The RoPE frequency base (interleaved pairs, as in the RoFormer paper).</param>
public sealed record DecoderConfig(int Vocab, int DModel, int Heads, int Layers, int Context, double RopeTheta = 10000)
{
    /// <summary>The configuration of the shipped model: V = 64, d_model = 64, 4 heads of 16, 2 layers, trained on 64 tokens.</summary>
    public static DecoderConfig Shipped { get; } = new(Vocab: 64, DModel: 64, Heads: 4, Layers: 2, Context: 64);

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

        if (!(RopeTheta > 1) || double.IsInfinity(RopeTheta))
        {
            throw new ArgumentException($"RopeTheta must be a finite base > 1; got {RopeTheta}.", nameof(RopeTheta));
        }
    }
}
