namespace Attention.Models;

/// <summary>
/// The course's attention-only decoder, read top to bottom like nanoGPT's <c>model.py</c>:
/// <code>
/// x₀ = W_E[tokens] + W_pos[0 .. N − 1]                [B, N, d_model]     (learned positions)
/// for each layer l:
///   Q, K, V = Split(x_l W_Q), Split(x_l W_K), Split(x_l W_V)        [B, h, N, d_head]
///   Q, K = RoPE(Q), RoPE(K)                          (RoPE models only; positions 0 .. N − 1)
///   z = softmax(Q Kᵀ / √d_head + ALiBi bias + causal mask) V   [B, h, N, d_head]   (the bias in ALiBi models only)
///   x_{l+1} = x_l + Merge(z) W_O                      [B, N, d_model]
/// logits = x_L W_U                                   [B, N, V]
/// </code>
/// Every step is a course function (<see cref="Linear"/>, <see cref="Heads"/>, <see cref="Rope"/>,
/// <see cref="ScaledDotProductAttention"/>, <see cref="CachedAttention"/>); prefill and decode share the layer code.
/// </summary>
public sealed partial class AttentionOnlyDecoder
{
    /// <summary>The RoPE pairing of RoPE models.</summary>
    public const RopeLayout Layout = RopeLayout.Interleaved;

    private readonly double[]? ropeFrequencies;

    /// <summary>Wraps trained (or fresh) weights; they are used, not copied.</summary>
    public AttentionOnlyDecoder(DecoderWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Weights = weights;
    }

    private AttentionOnlyDecoder(DecoderWeights weights, double[] ropeFrequencies, double logitScale)
        : this(weights) => (this.ropeFrequencies, LogitScale) = (ropeFrequencies, logitScale);

    /// <summary>
    /// The RoPE frequencies θ_i [d_head / 2] the model rotates with: the trained base's unless
    /// <see cref="WithRopeFrequencies"/> replaced them; null for learned positions and ALiBi.
    /// </summary>
    public double[]? RopeFrequencies => Config.Positions != PositionEncoding.Rope
        ? null
        : ropeFrequencies ?? RopeScaling.Interpolated(Config.HeadDim, factor: 1, Config.RopeTheta);

    /// <summary>The factor every attention logit is multiplied by (1 unless set, e.g. YaRN's temperature).</summary>
    public double LogitScale { get; } = 1;

    /// <summary>
    /// The same weights read with other RoPE frequencies (<see cref="RopeScaling"/>: position interpolation, NTK-aware,
    /// YaRN) and, optionally, attention logits multiplied by <paramref name="logitScale"/>. Nothing is retrained.
    /// </summary>
    /// <param name="frequencies">θ_i', d_head / 2 finite positive values.</param>
    /// <param name="logitScale">The logit factor, &gt; 0 (YaRN: <see cref="RopeScaling.YarnAttentionFactor"/>).</param>
    public AttentionOnlyDecoder WithRopeFrequencies(double[] frequencies, double logitScale = 1)
    {
        ArgumentNullException.ThrowIfNull(frequencies);
        if (Config.Positions != PositionEncoding.Rope)
        {
            throw new InvalidOperationException($"only a RoPE model has frequencies to scale; this one uses {Config.Positions} positions.");
        }

        if (frequencies.Length != Config.HeadDim / 2 || frequencies.Any(f => !(f > 0) || double.IsInfinity(f)))
        {
            throw new ArgumentException(
                $"frequencies must be d_head / 2 = {Config.HeadDim / 2} finite positive values; got {frequencies.Length} values.", nameof(frequencies));
        }

        if (!(logitScale > 0) || double.IsInfinity(logitScale))
        {
            throw new ArgumentOutOfRangeException(nameof(logitScale), logitScale, "the logit scale must be finite and > 0.");
        }

        return new AttentionOnlyDecoder(Weights, [.. frequencies], logitScale);
    }

    /// <summary>The model's parameters.</summary>
    public DecoderWeights Weights { get; }

    /// <summary>The model's shape.</summary>
    public DecoderConfig Config => Weights.Config;

    /// <summary>Next-token logits [B, N, V] for a batch of equal-length sequences.</summary>
    public Tensor Logits(int[][] tokens, HeadOutputEdit? edit = null) => Trace(tokens, edit).Logits;

    /// <summary>The forward pass of a batch [B][N] with every intermediate kept.</summary>
    /// <param name="tokens">B sequences of the same length N ≥ 1, ids in 0 .. V − 1.</param>
    /// <param name="edit">Optional rewrite of each layer's head outputs before W_O (ablation).</param>
    public DecoderTrace Trace(int[][] tokens, HeadOutputEdit? edit = null)
    {
        Tensor x = Embed(tokens, startPosition: 0);
        var layers = new DecoderLayerTrace[Config.Layers];
        for (int l = 0; l < Config.Layers; l++)
        {
            layers[l] = Layer(l, x, startPosition: 0, SelfAttention, edit);
            x = x + layers[l].Output;
        }

        return new DecoderTrace(tokens, layers, x, Linear.Forward(x, Weights.WU));
    }

    // Causal self-attention over the T tokens of the layer's input, with the weights kept (the reference, as taught).
    private AttentionResult SelfAttention(int layer, Tensor Q, Tensor K, Tensor V) => ScaledDotProductAttention.ForwardWithWeights(
        Q, K, V, bias: PositionBias(Q.Dim(2), K.Dim(2)), causal: CausalAlignment.TopLeft);

    /// <summary>
    /// x₀ = W_E[tokens] (+ W_pos[position] with learned positions), [B, N, d_model], for tokens at positions
    /// <paramref name="startPosition"/> .. startPosition + N − 1.
    /// </summary>
    public Tensor Embed(int[][] tokens, int startPosition)
    {
        var (B, N) = RequireTokens(tokens, nameof(tokens));
        if (startPosition < 0 || (long)startPosition + N > Config.MaxLength)
        {
            throw new ArgumentException(
                $"tokens at positions {startPosition} .. {(long)startPosition + N - 1} do not fit: this model learned positions 0 .. {Config.MaxLength - 1} only (Context = {Config.Context}).",
                nameof(tokens));
        }

        return Embed(tokens, Positions(B, N, startPosition));
    }

    /// <summary>
    /// x₀ = W_E[tokens] (+ W_pos[position]), [B, N, d_model], with each token's own position: <c>positions[b][n]</c>
    /// (a batch of left-padded prompts puts each sequence's first real token at position 0).
    /// </summary>
    public Tensor Embed(int[][] tokens, int[][] positions)
    {
        var (B, N) = RequireTokens(tokens, nameof(tokens));
        RequirePositions(positions, B, N);
        int d = Config.DModel;
        var x = new Tensor(B, N, d);
        for (int b = 0; b < B; b++)
        {
            for (int n = 0; n < N; n++)
            {
                Span<float> row = x.Data.AsSpan(((b * N) + n) * d, d);
                Weights.WE.Data.AsSpan(tokens[b][n] * d, d).CopyTo(row);
                if (Weights.WP is { } WP)
                {
                    RowMath.Add(row, WP.Data.AsSpan(positions[b][n] * d, d), row);
                }
            }
        }

        return x;
    }

    /// <summary>
    /// One attention layer on the residual stream <paramref name="x"/> [B, T, d_model] whose first token sits at
    /// <paramref name="startPosition"/>. <paramref name="attend"/> is the attention itself: causal over these T tokens
    /// (training, prefill without a cache) or over a KV cache (decode).
    /// </summary>
    internal DecoderLayerTrace Layer(
        int l, Tensor x, int startPosition, Func<int, Tensor, Tensor, Tensor, AttentionResult> attend, HeadOutputEdit? edit) =>
        Layer(l, x, Positions(x.Dim(0), x.Dim(1), startPosition), attend, edit);

    /// <summary>
    /// As above, with each token's own position <c>positions[b][n]</c> (RoPE rotates by it); null leaves Q and K unrotated
    /// for an <paramref name="attend"/> that applies positions itself (a streaming cache, by cache place).
    /// </summary>
    internal DecoderLayerTrace Layer(
        int l, Tensor x, int[][]? positions, Func<int, Tensor, Tensor, Tensor, AttentionResult> attend, HeadOutputEdit? edit)
    {
        int B = x.Dim(0), N = x.Dim(1), h = Config.Heads, dHead = Config.HeadDim;
        Tensor Q = new(B, h, N, dHead), K = new(B, h, N, dHead), V = new(B, h, N, dHead);
        ProjectQkv(l, x.Data, B, N, positions, Q.Data, K.Data, V.Data);
        AttentionResult attended = attend(l, Q, K, V);
        Tensor z = edit is null ? attended.Output : edit(l, attended.Output);
        Shapes.Require(z, "edit(layer, headOutputs)", "[batch, heads, seq, headDim]", x.Dim(0), h, x.Dim(1), Config.HeadDim);
        Tensor concatenated = Heads.Merge(z);
        return new DecoderLayerTrace(x, Q, K, V, attended.Weights ?? new Tensor(0), z, concatenated, Linear.Forward(concatenated, Weights.Layers[l].WO));
    }

    internal (int B, int N) RequireTokens(int[][] tokens, string argument)
    {
        ArgumentNullException.ThrowIfNull(tokens, argument);
        if (tokens.Length == 0 || tokens[0] is null || tokens[0].Length == 0)
        {
            throw new ArgumentException($"{argument} must have shape [batch, seq] with batch ≥ 1 and seq ≥ 1; got an empty batch or sequence.", argument);
        }

        int N = tokens[0].Length;
        for (int b = 0; b < tokens.Length; b++)
        {
            if (tokens[b] is null || tokens[b].Length != N)
            {
                throw new ArgumentException(
                    $"{argument} must have shape [batch, seq] = [{tokens.Length}, {N}]; sequence {b} has length {tokens[b]?.Length.ToString() ?? "null"}.", argument);
            }

            int bad = Array.FindIndex(tokens[b], t => (uint)t >= (uint)Config.Vocab);
            if (bad >= 0)
            {
                throw new ArgumentException($"{argument}[{b}][{bad}] = {tokens[b][bad]} is not a token id: ids are 0 .. {Config.Vocab - 1}.", argument);
            }
        }

        return (tokens.Length, N);
    }

    private static int[][] Positions(int B, int N, int start) =>
        [.. Enumerable.Range(0, B).Select(_ => Enumerable.Range(start, N).ToArray())];

    private void RequirePositions(int[][] positions, int B, int N)
    {
        ArgumentNullException.ThrowIfNull(positions);
        for (int b = 0; b < B; b++)
        {
            if (b >= positions.Length || positions[b] is null || positions[b].Length != N)
            {
                throw new ArgumentException($"positions must have shape [batch, seq] = [{B}, {N}]; row {b} is missing or of another length.", nameof(positions));
            }

            int bad = Array.FindIndex(positions[b], p => p < 0 || p >= Config.MaxLength);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"positions[{b}][{bad}] = {positions[b][bad]} does not fit: this model learned positions 0 .. {Config.MaxLength - 1} only (Context = {Config.Context}).",
                    nameof(positions));
            }
        }
    }

    /// <summary>Q or K [B, h, T, d_head] rotated by this model's RoPE at <paramref name="positions"/> (one per row T).</summary>
    internal Tensor Rotate(Tensor X, int[] positions) => ropeFrequencies is null
        ? Rope.Apply(X, positions, Layout, Config.RopeTheta)
        : Rope.Apply(X, positions, Layout, ropeFrequencies);

    /// <summary>
    /// Q, K, V of layer <paramref name="l"/> [B, h, N, d_head] for the first B·N rows of <paramref name="x"/>, into the
    /// given arrays (a trace's tensors, or rented buffers): x W_Q and x W_K rotated by RoPE at each row's own positions
    /// (RoPE models; null positions leave them unrotated), Q scaled by <see cref="LogitScale"/>, and x W_V.
    /// </summary>
    internal void ProjectQkv(int l, float[] x, int B, int N, int[][]? positions, float[] Q, float[] K, float[] V)
    {
        var W = Weights.Layers[l];
        int h = Config.Heads, dHead = Config.HeadDim, size = B * N * Config.DModel;
        Heads.Project(x, B, N, W.WQ, null, h, Q);
        Heads.Project(x, B, N, W.WK, null, h, K);
        if (Config.Positions == PositionEncoding.Rope && positions is not null)
        {
            double[] frequencies = ropeFrequencies ?? Rope.FrequenciesExact(dHead, Config.RopeTheta);
            // One call when the rows share their positions, else row by row.
            bool shared = positions.All(p => p.AsSpan().SequenceEqual(positions[0]));
            for (int b = 0; b < (shared ? 1 : B); b++)
            {
                int rows = shared ? B : 1, offset = b * h * N * dHead, length = rows * h * N * dHead;
                Rope.RotateInPlace(Q.AsSpan(offset, length), rows, h, N, dHead, positions[b], Layout, frequencies);
                Rope.RotateInPlace(K.AsSpan(offset, length), rows, h, N, dHead, positions[b], Layout, frequencies);
            }
        }

        if (LogitScale != 1)
        {
            // Scaling Q scales every logit Q Kᵀ: the same as a softmax temperature 1 / LogitScale.
            System.Numerics.Tensors.TensorPrimitives.Multiply(Q.AsSpan(0, size), (float)LogitScale, Q.AsSpan(0, size));
        }

        Heads.Project(x, B, N, W.WV, null, h, V);
    }

    /// <summary>
    /// The logit bias of an ALiBi model for <paramref name="queries"/> queries that are the last of <paramref name="keys"/>
    /// positions (<see cref="Alibi.Bias"/>, [1, h, L, S]); null for learned positions and RoPE, which need none.
    /// </summary>
    public Tensor? PositionBias(int queries, int keys) =>
        Config.Positions == PositionEncoding.Alibi ? Alibi.Bias(Config.Heads, queries, keys) : null;
}
