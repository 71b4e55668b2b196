using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Attention;

/// <summary>
/// Multi-head attention: h attention heads in parallel, each with its own learned projections.
/// <code>
/// Q = X_q W_Q (+ b_Q) → split into h heads     [B, h, L, d_k]     W_Q [d_model, h·d_k]
/// K = X_kv W_K (+ b_K) → split into heads       [B, h, S, d_k]     W_K [d_kv,    h·d_k]
/// V = X_kv W_V (+ b_V) → split into heads       [B, h, S, d_v]     W_V [d_kv,    h·d_v]
/// head_i = softmax(Q_i K_iᵀ / √d_k + mask) V_i  [B, h, L, d_v]
/// Y = Concat(head_1 … head_h) W_O (+ b_O)        [B, L, d_model]    W_O [h·d_v, d_model]
/// </code>
/// Self-attention uses X_q = X_kv = X (so d_kv = d_model); cross-attention takes keys and values from another sequence.
/// The same class carries grouped-query attention (<see cref="GroupedQueryAttention"/>): there K and V have fewer
/// heads h_kv and query head i reads KV head ⌊i / (h / h_kv)⌋; for this class h_kv = h.
/// </summary>
public class MultiHeadAttention
{
    /// <summary>Builds multi-head attention from its weights (validated; not copied).</summary>
    /// <param name="WQ">Query projection [d_model, h·d_k].</param>
    /// <param name="WK">Key projection [d_kv, h·d_k]; d_kv = d_model for self-attention.</param>
    /// <param name="WV">Value projection [d_kv, h·d_v].</param>
    /// <param name="WO">Output projection [h·d_v, d_model].</param>
    /// <param name="heads">The number of heads h.</param>
    /// <param name="bQ">Optional query bias [h·d_k].</param>
    /// <param name="bK">Optional key bias [h·d_k].</param>
    /// <param name="bV">Optional value bias [h·d_v].</param>
    /// <param name="bO">Optional output bias [d_model].</param>
    public MultiHeadAttention(
        Tensor WQ, Tensor WK, Tensor WV, Tensor WO, int heads,
        Tensor? bQ = null, Tensor? bK = null, Tensor? bV = null, Tensor? bO = null)
        : this(WQ, WK, WV, WO, heads, heads, bQ, bK, bV, bO)
    {
    }

    /// <summary>The shared constructor: <paramref name="kvHeads"/> K/V heads serving <paramref name="heads"/> query heads.</summary>
    private protected MultiHeadAttention(
        Tensor WQ, Tensor WK, Tensor WV, Tensor WO, int heads, int kvHeads,
        Tensor? bQ, Tensor? bK, Tensor? bV, Tensor? bO)
    {
        Shapes.RequirePositive(heads, nameof(heads));
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        if (heads % kvHeads != 0)
        {
            throw new ArgumentException(
                $"kvHeads ({kvHeads}) must divide heads ({heads}) so every KV head serves the same number of query heads.",
                nameof(kvHeads));
        }

        Shapes.Require(WQ, nameof(WQ), "[dModel, heads·headDim]", Shapes.Any, Shapes.Any);
        Shapes.RequireNonEmpty(WQ, nameof(WQ), "[dModel, heads·headDim]");
        int dModel = WQ.Dim(0);
        if (WQ.Dim(1) % heads != 0)
        {
            throw new ArgumentException(
                $"WQ must have shape [dModel, heads·headDim] with {heads} heads; got {WQ.ShapeText}, whose width is not a multiple of {heads}.",
                nameof(WQ));
        }

        int dk = WQ.Dim(1) / heads;
        Shapes.Require(WK, nameof(WK), "[dKv, kvHeads·headDim]", Shapes.Any, kvHeads * dk);
        Shapes.RequireNonEmpty(WK, nameof(WK), "[dKv, kvHeads·headDim]");
        int dKv = WK.Dim(0);
        Shapes.Require(WV, nameof(WV), "[dKv, kvHeads·valueDim]", dKv, Shapes.Any);
        Shapes.RequireNonEmpty(WV, nameof(WV), "[dKv, kvHeads·valueDim]");
        if (WV.Dim(1) % kvHeads != 0)
        {
            throw new ArgumentException(
                $"WV must have shape [dKv, kvHeads·valueDim] with {kvHeads} KV heads; got {WV.ShapeText}, whose width is not a multiple of {kvHeads}.",
                nameof(WV));
        }

        int dv = WV.Dim(1) / kvHeads;
        Shapes.Require(WO, nameof(WO), "[heads·valueDim, dModel]", heads * dv, dModel);
        RequireBias(bQ, nameof(bQ), heads * dk);
        RequireBias(bK, nameof(bK), kvHeads * dk);
        RequireBias(bV, nameof(bV), kvHeads * dv);
        RequireBias(bO, nameof(bO), dModel);
        foreach (var (t, name) in new[] { (WQ, nameof(WQ)), (WK, nameof(WK)), (WV, nameof(WV)), (WO, nameof(WO)) })
        {
            Shapes.RequireFinite(t, name);
        }

        (this.WQ, this.WK, this.WV, this.WO, BQ, BK, BV, BO) = (WQ, WK, WV, WO, bQ, bK, bV, bO);
        (Heads, KvHeads, HeadDim, ValueDim, ModelDim, KeyValueDim) = (heads, kvHeads, dk, dv, dModel, dKv);
    }

    /// <summary>Query projection W_Q [d_model, h·d_k].</summary>
    public Tensor WQ { get; }

    /// <summary>Key projection W_K [d_kv, h_kv·d_k].</summary>
    public Tensor WK { get; }

    /// <summary>Value projection W_V [d_kv, h_kv·d_v].</summary>
    public Tensor WV { get; }

    /// <summary>Output projection W_O [h·d_v, d_model].</summary>
    public Tensor WO { get; }

    /// <summary>Query bias [h·d_k], or null.</summary>
    public Tensor? BQ { get; }

    /// <summary>Key bias [h_kv·d_k], or null.</summary>
    public Tensor? BK { get; }

    /// <summary>Value bias [h_kv·d_v], or null.</summary>
    public Tensor? BV { get; }

    /// <summary>Output bias [d_model], or null.</summary>
    public Tensor? BO { get; }

    /// <summary>The number of query heads h.</summary>
    public int Heads { get; }

    /// <summary>The number of key/value heads h_kv (equal to <see cref="Heads"/> for plain multi-head attention).</summary>
    public int KvHeads { get; }

    /// <summary>The query/key width per head d_k.</summary>
    public int HeadDim { get; }

    /// <summary>The value width per head d_v.</summary>
    public int ValueDim { get; }

    /// <summary>The model width d_model: features of the query input and of the output.</summary>
    public int ModelDim { get; }

    /// <summary>The features d_kv of the key/value input (d_model for self-attention, d_mem for cross-attention).</summary>
    public int KeyValueDim { get; }

    /// <summary>The number of learned numbers: all weights plus the biases that are present.</summary>
    public long ParameterCount =>
        (long)WQ.Length + WK.Length + WV.Length + WO.Length
        + (BQ?.Length ?? 0) + (BK?.Length ?? 0) + (BV?.Length ?? 0) + (BO?.Length ?? 0);

    /// <summary>
    /// Random multi-head self-attention with d_k = d_v = d_model / heads, weights drawn from N(0, 1/d_model)
    /// so a projection keeps unit-variance inputs at unit variance. Biases (if asked for) are drawn the same
    /// way so their effect is visible in examples (PyTorch starts them at zero).
    /// </summary>
    /// <exception cref="ArgumentException">dModel is not a multiple of heads.</exception>
    public static MultiHeadAttention Random(int seed, int dModel, int heads, bool bias = false)
    {
        var p = RandomParameters(seed, dModel, dModel, heads, heads, bias);
        return new MultiHeadAttention(p.WQ, p.WK, p.WV, p.WO, heads, p.bQ, p.bK, p.bV, p.bO);
    }

    /// <summary>Self-attention of <paramref name="X"/> [B, N, d_model] → [B, N, d_model].</summary>
    /// <param name="X">Tokens [batch, seq, dModel].</param>
    /// <param name="mask">Boolean mask (true = may attend), broadcast to [B, h, N, N].</param>
    /// <param name="causal">If set, each token attends only to itself and earlier tokens.</param>
    public Tensor Forward(Tensor X, Mask? mask = null, CausalAlignment? causal = null)
    {
        RequireSelfAttention();
        RequireInput(X, nameof(X), ModelDim);
        return Run(X, X, mask, causal).Output;
    }

    /// <summary>
    /// Attention of queries from <paramref name="Xq"/> [B, L, d_model] over keys and values from
    /// <paramref name="Xkv"/> [B, S, d_kv] (the cross-attention path) → [B, L, d_model].
    /// </summary>
    /// <param name="Xq">Query tokens [batch, queries, dModel].</param>
    /// <param name="Xkv">Key/value tokens [batch, keys, dKv].</param>
    /// <param name="mask">Boolean mask (true = may attend), broadcast to [B, h, L, S].</param>
    public Tensor Forward(Tensor Xq, Tensor Xkv, Mask? mask = null) => Run(Xq, Xkv, mask, null).Output;

    /// <summary>Self-attention of <paramref name="X"/> [B, N, d_model], every intermediate readable (computed when first read).</summary>
    public MultiHeadAttentionTrace Trace(Tensor X, Mask? mask = null, CausalAlignment? causal = null)
    {
        RequireSelfAttention();
        RequireInput(X, nameof(X), ModelDim);
        return Run(X, X, mask, causal);
    }

    /// <summary>Attention of <paramref name="Xq"/> [B, L, d_model] over <paramref name="Xkv"/> [B, S, d_kv], every intermediate readable.</summary>
    public MultiHeadAttentionTrace Trace(Tensor Xq, Tensor Xkv, Mask? mask = null) => Run(Xq, Xkv, mask, null);

    /// <summary>
    /// Y = Merge(<paramref name="headOutputs"/>) W_O (+ b_O): [B, h, N, d_v] → [B, N, d_model].
    /// Zero a head's slice first and this is the model with that head ablated.
    /// </summary>
    /// <param name="headOutputs">Per-head outputs [batch, heads, seq, valueDim].</param>
    public Tensor OutputProjection(Tensor headOutputs)
    {
        Shapes.Require(headOutputs, nameof(headOutputs), "[batch, heads, seq, valueDim]", Shapes.Any, Heads, Shapes.Any, ValueDim);
        return Linear.Forward(Attention.Heads.Merge(headOutputs), WO, BO);
    }

    /// <summary>
    /// The same self-attention written as a loop over heads: for head i, project with the column slices
    /// W_Q^i, W_K^i, W_V^i, attend, then concatenate the h outputs and project with W_O.
    /// Equal to <see cref="Forward(Tensor, Mask?, CausalAlignment?)"/> up to float rounding; slower, but it reads like the formula.
    /// </summary>
    /// <param name="X">Tokens [batch, seq, dModel].</param>
    /// <param name="mask">Boolean mask (true = may attend), broadcast to [B, h, N, N].</param>
    /// <param name="causal">If set, each token attends only to itself and earlier tokens.</param>
    public Tensor ForwardPerHead(Tensor X, Mask? mask = null, CausalAlignment? causal = null)
    {
        RequireSelfAttention();
        RequireInput(X, nameof(X), ModelDim);
        int B = X.Dim(0), N = X.Dim(1);
        mask?.RequireBroadcastsTo(nameof(mask), B, Heads, N, N);
        var concatenated = new Tensor(B, N, Heads * ValueDim);
        for (int i = 0; i < Heads; i++)
        {
            int kv = ScaledDotProductAttention.KvHead(i, Heads, KvHeads);
            Tensor Qi = Linear.Forward(X, Columns(WQ, i * HeadDim, HeadDim), Slice(BQ, i * HeadDim, HeadDim));
            Tensor Ki = Linear.Forward(X, Columns(WK, kv * HeadDim, HeadDim), Slice(BK, kv * HeadDim, HeadDim));
            Tensor Vi = Linear.Forward(X, Columns(WV, kv * ValueDim, ValueDim), Slice(BV, kv * ValueDim, ValueDim));
            Tensor headI = ScaledDotProductAttention.Forward(
                Qi.Reshape(B, 1, N, HeadDim), Ki.Reshape(B, 1, N, HeadDim), Vi.Reshape(B, 1, N, ValueDim), HeadMask(mask, i), causal: causal);
            for (int t = 0; t < B * N; t++)
            {
                headI.Data.AsSpan(t * ValueDim, ValueDim).CopyTo(concatenated.Data.AsSpan((t * Heads * ValueDim) + (i * ValueDim)));
            }
        }

        return Linear.Forward(concatenated, WO, BO);
    }

    /// <summary>Random weights for <see cref="Random"/> and its relatives, all drawn from one seeded generator.</summary>
    internal static (Tensor WQ, Tensor WK, Tensor WV, Tensor WO, Tensor? bQ, Tensor? bK, Tensor? bV, Tensor? bO) RandomParameters(
        int seed, int dModel, int dKv, int heads, int kvHeads, bool bias)
    {
        Shapes.RequirePositive(dModel, nameof(dModel));
        Shapes.RequirePositive(dKv, nameof(dKv));
        Shapes.RequirePositive(heads, nameof(heads));
        if (dModel % heads != 0)
        {
            throw new ArgumentException($"dModel ({dModel}) must be a multiple of heads ({heads}) so that d_k = dModel / heads.", nameof(dModel));
        }

        int d = dModel / heads;
        var rng = new MersenneTwister(seed);
        Tensor Draw(double fanIn, params int[] shape)
        {
            var values = new double[shape.Aggregate(1, (a, b) => a * b)];
            Normal.Samples(rng, values, 0.0, 1.0 / Math.Sqrt(fanIn));
            return new Tensor(Array.ConvertAll(values, v => (float)v), shape);
        }

        Tensor WQ = Draw(dModel, dModel, heads * d), WK = Draw(dKv, dKv, kvHeads * d);
        Tensor WV = Draw(dKv, dKv, kvHeads * d), WO = Draw(heads * d, heads * d, dModel);
        return bias
            ? (WQ, WK, WV, WO, Draw(dModel, heads * d), Draw(dKv, kvHeads * d), Draw(dKv, kvHeads * d), Draw(heads * d, dModel))
            : (WQ, WK, WV, WO, null, null, null, null);
    }

    /// <summary>A trace of this attention on checked inputs: nothing computed until read.</summary>
    private MultiHeadAttentionTrace Run(Tensor Xq, Tensor Xkv, Mask? mask, CausalAlignment? causal)
    {
        RequireInput(Xq, nameof(Xq), ModelDim);
        RequireInput(Xkv, nameof(Xkv), KeyValueDim);
        if (Xkv.Dim(0) != Xq.Dim(0))
        {
            throw new ArgumentException(
                $"Xkv must have shape [batch, keys, dKv] = [{Xq.Dim(0)}, *, {KeyValueDim}] to match Xq {Xq.ShapeText}; got {Xkv.ShapeText}.",
                nameof(Xkv));
        }

        mask?.RequireBroadcastsTo(nameof(mask), Xq.Dim(0), Heads, Xq.Dim(1), Xkv.Dim(1));
        return new MultiHeadAttentionTrace(this, Xq, Xkv, mask, causal);
    }

    private void RequireSelfAttention()
    {
        if (KeyValueDim != ModelDim)
        {
            throw new InvalidOperationException(
                $"keys and values read d_kv = {KeyValueDim} features but queries read d_model = {ModelDim}: " +
                "self-attention needs them equal; call Forward(Xq, Xkv) with a separate key/value sequence.");
        }
    }

    private static void RequireInput(Tensor X, string argument, int features)
    {
        Shapes.Require(X, argument, "[batch, seq, features]", Shapes.Any, Shapes.Any, features);
        Shapes.RequireNonEmpty(X, argument, "[batch, seq, features]");
        Shapes.RequireFinite(X, argument);
    }

    private static void RequireBias(Tensor? b, string argument, int width)
    {
        if (b is not null)
        {
            Shapes.Require(b, argument, "[width]", width);
            Shapes.RequireFinite(b, argument);
        }
    }

    /// <summary>Columns start .. start+count−1 of W [rows, cols], copied into [rows, count].</summary>
    private static Tensor Columns(Tensor W, int start, int count)
    {
        int rows = W.Dim(0), cols = W.Dim(1);
        var slice = new Tensor(rows, count);
        for (int r = 0; r < rows; r++)
        {
            W.Data.AsSpan((r * cols) + start, count).CopyTo(slice.Row(r));
        }

        return slice;
    }

    private static Tensor? Slice(Tensor? b, int start, int count) =>
        b is null ? null : new Tensor(b.Data.AsSpan(start, count).ToArray(), count);

    /// <summary>The mask one head sees: head axis of size 1 (a [B, h, ..] mask sliced at head i).</summary>
    private static Mask? HeadMask(Mask? mask, int head)
    {
        if (mask is null || mask.Shape.Length < 4 || mask.Shape[1] == 1)
        {
            return mask;
        }

        int B = mask.Shape[0], L = mask.Queries, S = mask.Keys;
        var allowed = new bool[B * L * S];
        for (int b = 0, n = 0; b < B; b++)
        {
            for (int i = 0; i < L; i++)
            {
                for (int j = 0; j < S; j++)
                {
                    allowed[n++] = mask.IsVisible(b, head, i, j);
                }
            }
        }

        return new Mask(allowed, B, 1, L, S);
    }
}
