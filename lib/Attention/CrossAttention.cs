namespace Attention;

/// <summary>
/// Cross-attention: decoder queries attend to another sequence, the memory (an encoder's output or retrieved passages).
/// <code>
/// Q = X_q W_Q     [B, h, L_q, d_k]    X_q    [B, L_q, d_model]
/// K = M W_K       [B, h, L_k, d_k]    memory [B, L_k, d_mem]
/// V = M W_V       [B, h, L_k, d_v]
/// Y = Concat_i softmax(Q_i K_iᵀ / √d_k + padding mask) V_i · W_O    [B, L_q, d_model]
/// </code>
/// There is no causal mask: every query may read all real memory positions, and L_q and L_k are unrelated.
/// Memories of different lengths are padded to one L_k; the key-padding mask hides the padding before softmax,
/// so padded positions get weight exactly zero and their contents never reach the output.
/// This is multi-head attention's two-input path (<see cref="MultiHeadAttention.Forward(Tensor, Tensor, Mask?)"/>).
/// </summary>
public sealed class CrossAttention
{
    /// <summary>Wraps multi-head attention whose W_K, W_V read the memory's d_mem features.</summary>
    /// <param name="attention">The projections: W_Q [d_model, h·d_k], W_K [d_mem, h·d_k], W_V [d_mem, h·d_v], W_O [h·d_v, d_model].</param>
    public CrossAttention(MultiHeadAttention attention)
    {
        ArgumentNullException.ThrowIfNull(attention);
        Attention = attention;
    }

    /// <summary>The underlying multi-head attention (weights, head counts, parameter count).</summary>
    public MultiHeadAttention Attention { get; }

    /// <summary>The query and output width d_model.</summary>
    public int ModelDim => Attention.ModelDim;

    /// <summary>The memory width d_mem read by W_K and W_V.</summary>
    public int MemoryDim => Attention.KeyValueDim;

    /// <summary>
    /// Random cross-attention with d_k = d_v = dModel / heads and weights from N(0, 1/fan_in):
    /// W_Q [dModel, dModel], W_K and W_V [dMemory, dModel], W_O [dModel, dModel].
    /// </summary>
    /// <exception cref="ArgumentException">dModel is not a multiple of heads.</exception>
    public static CrossAttention Random(int seed, int dModel, int dMemory, int heads, bool bias = false)
    {
        var p = MultiHeadAttention.RandomParameters(seed, dModel, dMemory, heads, heads, bias);
        return new(new MultiHeadAttention(p.WQ, p.WK, p.WV, p.WO, heads, p.bQ, p.bK, p.bV, p.bO));
    }

    /// <summary>Queries <paramref name="Xq"/> [B, L_q, d_model] attend to <paramref name="memory"/> [B, L_k, d_mem] → [B, L_q, d_model].</summary>
    /// <param name="Xq">Decoder tokens [batch, queries, dModel].</param>
    /// <param name="memory">Encoder output or retrieved memory [batch, memoryLength, dMemory].</param>
    /// <param name="memoryIsReal">Optional [batch, memoryLength]: true = a real memory position, false = padding.</param>
    public Tensor Forward(Tensor Xq, Tensor memory, bool[,]? memoryIsReal = null) =>
        Attention.Forward(Xq, memory, PaddingMask(Xq, memory, memoryIsReal));

    /// <summary>Like <see cref="Forward"/>, with every intermediate readable (weights [B, h, L_q, L_k] included, computed when first read).</summary>
    public MultiHeadAttentionTrace Trace(Tensor Xq, Tensor memory, bool[,]? memoryIsReal = null) =>
        Attention.Trace(Xq, memory, PaddingMask(Xq, memory, memoryIsReal));

    /// <summary>Checks memory against the queries' batch and turns the padding flags into a [B, 1, 1, L_k] mask.</summary>
    private Mask? PaddingMask(Tensor Xq, Tensor memory, bool[,]? memoryIsReal)
    {
        ArgumentNullException.ThrowIfNull(Xq);
        int B = Xq.Rank > 0 ? Xq.Dim(0) : Shapes.Any;
        Shapes.Require(memory, nameof(memory), "[batch, memoryLength, dMemory]", B, Shapes.Any, MemoryDim);
        Shapes.RequireNonEmpty(memory, nameof(memory), "[batch, memoryLength, dMemory]");
        Shapes.RequireFinite(memory, nameof(memory));
        if (memoryIsReal is null)
        {
            return null;
        }

        if (memoryIsReal.GetLength(0) != memory.Dim(0) || memoryIsReal.GetLength(1) != memory.Dim(1))
        {
            throw new ArgumentException(
                $"memoryIsReal must have shape [batch, memoryLength] = [{memory.Dim(0)}, {memory.Dim(1)}] " +
                $"like memory {memory.ShapeText}; got [{memoryIsReal.GetLength(0)}, {memoryIsReal.GetLength(1)}].",
                nameof(memoryIsReal));
        }

        return Mask.KeyPadding(memoryIsReal);
    }
}
