using System.Buffers;

namespace Attention.Models;

/// <summary>One encoder layer's parameters, named as in BERT. Attention is the course's own multi-head attention.</summary>
/// <param name="Attention">W_Q, W_K, W_V, W_O with their biases.</param>
/// <param name="AttentionNorm">γ, β of the LayerNorm after the attention residual.</param>
/// <param name="W1">Feed-forward input weights [d_model, d_ff] and bias b1 [d_ff].</param>
/// <param name="b1">Feed-forward input bias.</param>
/// <param name="W2">Feed-forward output weights [d_ff, d_model].</param>
/// <param name="b2">Feed-forward output bias.</param>
/// <param name="OutputNorm">γ, β of the LayerNorm after the feed-forward residual.</param>
public sealed record BertLayer(MultiHeadAttention Attention, (Tensor Gamma, Tensor Beta) AttentionNorm, Tensor W1, Tensor b1, Tensor W2, Tensor b2, (Tensor Gamma, Tensor Beta) OutputNorm);

/// <summary>Everything one forward pass computed, per layer, named like the math.</summary>
/// <param name="TokenIds">The input ids [B, n] (padding id 0 past each sentence).</param>
/// <param name="IsReal">[B, n]: true for a real token, false for padding.</param>
/// <param name="Embeddings">Word + position + token-type embeddings after their LayerNorm [B, n, d_model].</param>
/// <param name="Attention">Per layer: the course's multi-head attention trace (Q, K, V, scores, weights [B, h, n, n], head outputs …, each computed when first read).</param>
/// <param name="Hidden">Per layer: the layer's output [B, n, d_model]; the last is the model's last_hidden_state.</param>
public sealed record BertTrace(int[,] TokenIds, bool[,] IsReal, Tensor Embeddings, IReadOnlyList<MultiHeadAttentionTrace> Attention, IReadOnlyList<Tensor> Hidden)
{
    /// <summary>The last layer's output [B, n, d_model].</summary>
    public Tensor LastHiddenState => Hidden[^1];
}

/// <summary>
/// A BERT-style encoder (post-LayerNorm) computed with the course library. Per layer:
/// <code>
/// A = MultiHeadAttention(X, key-padding mask)         the course's own attention, weights [B, h, n, n]
/// X = LayerNorm(X + A)
/// X = LayerNorm(X + GELU(X W1 + b1) W2 + b2)
/// </code>
/// after the embeddings E = LayerNorm(word[id] + position[i] + tokenType[0]).
/// </summary>
public sealed class BertEncoder
{
    /// <summary>Builds the encoder from named weights.</summary>
    /// <param name="weights">Embeddings and layers under their BERT names.</param>
    /// <param name="heads">Attention heads per layer (MiniLM: 12).</param>
    public BertEncoder(OnnxWeights weights, int heads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Tensor W(string name) => weights[name];
        (Tensor, Tensor) Norm(string prefix) => (W(prefix + ".weight"), W(prefix + ".bias"));
        WordEmbeddings = W("embeddings.word_embeddings.weight");
        PositionEmbeddings = W("embeddings.position_embeddings.weight");
        TokenTypeEmbeddings = W("embeddings.token_type_embeddings.weight");
        EmbeddingNorm = Norm("embeddings.LayerNorm");
        Epsilon = weights.LayerNormEpsilon;
        var layers = new List<BertLayer>();
        for (int l = 0; weights.Tensors.ContainsKey($"encoder.layer.{l}.attention.self.query.weight"); l++)
        {
            string p = $"encoder.layer.{l}.";
            var attention = new MultiHeadAttention(
                W(p + "attention.self.query.weight"), W(p + "attention.self.key.weight"), W(p + "attention.self.value.weight"),
                W(p + "attention.output.dense.weight"), heads,
                W(p + "attention.self.query.bias"), W(p + "attention.self.key.bias"), W(p + "attention.self.value.bias"), W(p + "attention.output.dense.bias"));
            layers.Add(new BertLayer(attention, Norm(p + "attention.output.LayerNorm"),
                W(p + "intermediate.dense.weight"), W(p + "intermediate.dense.bias"), W(p + "output.dense.weight"), W(p + "output.dense.bias"),
                Norm(p + "output.LayerNorm")));
        }

        Layers = layers;
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<BertLayer> Layers { get; }

    /// <summary>Token embeddings [vocabulary, d_model].</summary>
    public Tensor WordEmbeddings { get; }

    /// <summary>Learned absolute position embeddings [maxPositions, d_model].</summary>
    public Tensor PositionEmbeddings { get; }

    /// <summary>Segment embeddings [2, d_model] (every token here is segment 0).</summary>
    public Tensor TokenTypeEmbeddings { get; }

    /// <summary>γ, β of the embedding LayerNorm.</summary>
    public (Tensor Gamma, Tensor Beta) EmbeddingNorm { get; }

    /// <summary>The LayerNorm ε.</summary>
    public float Epsilon { get; }

    /// <summary>d_model.</summary>
    public int ModelDim => WordEmbeddings.Dim(1);

    /// <summary>The longest input, in tokens (the number of position embeddings).</summary>
    public int MaxPositions => PositionEmbeddings.Dim(0);

    /// <summary>
    /// Runs the encoder on a batch of token-id sequences (each already with its [CLS] … [SEP]), padding the shorter ones
    /// with id 0 and masking the padding in every attention layer.
    /// </summary>
    /// <param name="sequences">B token-id sequences, 1 .. <see cref="MaxPositions"/> ids each.</param>
    /// <param name="editHeadOutputs">
    /// Optional hook (layer, head outputs [B, h, n, d_v]) → head outputs, applied before W_O: how ablations are made.
    /// </param>
    /// <exception cref="ArgumentException">No sequence, an empty one, one longer than <see cref="MaxPositions"/>, or an id outside the vocabulary.</exception>
    public BertTrace Forward(IReadOnlyList<int[]> sequences, HeadOutputEdit? editHeadOutputs = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            throw new ArgumentException("sequences must hold at least one token-id sequence.", nameof(sequences));
        }

        int B = sequences.Count, n = sequences.Max(s => s.Length), d = ModelDim;
        var ids = new int[B, n];
        var isReal = new bool[B, n];
        for (int b = 0; b < B; b++)
        {
            int[] s = sequences[b];
            if (s.Length == 0 || s.Length > MaxPositions)
            {
                throw new ArgumentException($"sequences[{b}] has {s.Length} tokens; the model takes 1 .. {MaxPositions}.", nameof(sequences));
            }

            for (int i = 0; i < s.Length; i++)
            {
                if ((uint)s[i] >= (uint)WordEmbeddings.Dim(0))
                {
                    throw new ArgumentException($"sequences[{b}][{i}] = {s[i]} is outside the vocabulary 0 .. {WordEmbeddings.Dim(0) - 1}.", nameof(sequences));
                }

                ids[b, i] = s[i];
                isReal[b, i] = true;
            }
        }

        var X = new Tensor(B, n, d);
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < n; i++)
            {
                Span<float> x = X.Row(b, i);
                RowMath.Add(WordEmbeddings.Row(ids[b, i]), PositionEmbeddings.Row(i), x);
                RowMath.Add(x, TokenTypeEmbeddings.Row(0), x);
            }
        }

        X = LayerNorm.Forward(X, EmbeddingNorm.Gamma, EmbeddingNorm.Beta, Epsilon);
        Tensor embeddings = X;
        Mask padding = Mask.KeyPadding(isReal);
        var traces = new List<MultiHeadAttentionTrace>();
        var hidden = new List<Tensor>();
        for (int l = 0; l < Layers.Count; l++)
        {
            BertLayer layer = Layers[l];
            MultiHeadAttentionTrace trace = layer.Attention.Trace(X, padding);
            Tensor A = editHeadOutputs is null ? trace.Output : layer.Attention.OutputProjection(editHeadOutputs(l, trace.HeadOutputs));
            X = AfterAttention(layer, X, A);
            traces.Add(trace);
            hidden.Add(X);
        }

        return new BertTrace(ids, isReal, embeddings, traces, hidden);
    }

    /// <summary>
    /// The rest of a layer after its attention output A: X₁ = LayerNorm(X + A), then LayerNorm(X₁ + GELU(X₁ W1 + b1) W2 + b2)
    /// [B, n, d_model]. X₁, the [B, n, d_ff] hidden layer and the MLP's output live in rented buffers, as nobody keeps them.
    /// </summary>
    private Tensor AfterAttention(BertLayer layer, Tensor X, Tensor A)
    {
        int rows = X.Length / X.Dim(-1), d = X.Dim(-1), dff = layer.W1.Dim(1);
        var pool = ArrayPool<float>.Shared;
        float[] X1 = pool.Rent(rows * d), H = pool.Rent(rows * dff), F = pool.Rent(rows * d);
        try
        {
            LayerNorm.Forward(X.Data, A.Data, rows, layer.AttentionNorm.Gamma, layer.AttentionNorm.Beta, Epsilon, X1);
            Linear.Forward(X1, rows, layer.W1, layer.b1, H);
            Gelu.Forward(H, H, rows * dff);
            Linear.Forward(H, rows, layer.W2, layer.b2, F);
            var Y = new Tensor(X.Shape);
            LayerNorm.Forward(X1, F, rows, layer.OutputNorm.Gamma, layer.OutputNorm.Beta, Epsilon, Y.Data);
            return Y;
        }
        finally
        {
            foreach (float[] buffer in (float[][])[X1, H, F])
            {
                pool.Return(buffer);
            }
        }
    }

}
