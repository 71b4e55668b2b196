namespace Attention;

/// <summary>
/// The weights of one multi-head latent attention layer (DeepSeek-V2), with row vectors as everywhere in the course
/// (y = x W). Sizes: d_model, h heads of d_h (content part) plus d_R (decoupled RoPE part), latent d_c.
/// </summary>
/// <param name="WDkv">Down-projection to the shared KV latent, [d_model, d_c]: c = x W_DKV is what the cache keeps.</param>
/// <param name="WUk">Up-projection of the latent to every head's content key, [d_c, h·d_h].</param>
/// <param name="WUv">Up-projection of the latent to every head's value, [d_c, h·d_h].</param>
/// <param name="WKr">The decoupled RoPE key, one for all heads, [d_model, d_R]; cached after rotation.</param>
/// <param name="WQ">Content queries, [d_model, h·d_h].</param>
/// <param name="WQr">RoPE queries, [d_model, h·d_R].</param>
/// <param name="WO">Output projection, [h·d_h, d_model].</param>
public sealed record LatentAttentionWeights(Tensor WDkv, Tensor WUk, Tensor WUv, Tensor WKr, Tensor WQ, Tensor WQr, Tensor WO)
{
    /// <summary>d_c, the width of the shared latent.</summary>
    public int LatentDim => WDkv.Dim(1);

    /// <summary>d_R, the width of the decoupled RoPE key and queries.</summary>
    public int RopeDim => WKr.Dim(1);

    /// <summary>Random weights with variance 1/fan-in, reproducible from <paramref name="seed"/>.</summary>
    public static LatentAttentionWeights Random(int seed, int dModel, int heads, int headDim, int latentDim, int ropeDim)
    {
        Tensor W(int k, int rows, int cols) => Tensor.Random(seed + k, [rows, cols], 1 / Math.Sqrt(rows));
        return new LatentAttentionWeights(
            W(1, dModel, latentDim), W(2, latentDim, heads * headDim), W(3, latentDim, heads * headDim),
            W(4, dModel, ropeDim), W(5, dModel, heads * headDim), W(6, dModel, heads * ropeDim), W(7, heads * headDim, dModel));
    }
}

/// <summary>What an MLA layer caches per token: the latent c [B, S, d_c] and the rotated RoPE key k_R [B, S, d_R].</summary>
public sealed record LatentCache(Tensor C, Tensor KRope)
{
    /// <summary>Cached tokens S.</summary>
    public int Tokens => C.Dim(1);
}

/// <summary>
/// Multi-head latent attention (DeepSeek-V2, 2024), causal. Keys and values of every head come from one latent per token:
/// <code>
/// c      = x W_DKV                         [B, S, d_c]     cached
/// k_R    = RoPE(x W_KR)                    [B, S, d_R]     cached, shared by all heads
/// k_h    = [c W_UK,h ; k_R]                [B, h, S, d_h + d_R]
/// v_h    = c W_UV,h                        [B, h, S, d_h]
/// q_h    = [x W_Q,h ; RoPE(x W_QR,h)]      [B, h, L, d_h + d_R]
/// y      = Concat_h softmax(q_h k_hᵀ / √(d_h + d_R)) v_h · W_O
/// </code>
/// <see cref="Explicit"/> computes exactly that. <see cref="Absorbed"/> never forms k_h or v_h: since
/// q·(c W_UK,h) = (q W_UK,hᵀ)·c, W_UK folds into the query, and the value up-projection moves after the weighted sum;
/// what is left is multi-query attention over the cache itself, keys [c ; k_R] and values c. RoPE stays on its own
/// d_R dimensions because a rotation between q and W_UK would depend on the key's position and could not be folded.
/// </summary>
public static class LatentAttention
{
    /// <summary>The cache entries of the tokens <paramref name="X"/> [B, N, d_model] placed at positions startPosition…</summary>
    public static LatentCache Compress(Tensor X, LatentAttentionWeights w, int startPosition = 0)
    {
        Check(X, w, heads: 1, checkHeads: false);
        ArgumentOutOfRangeException.ThrowIfNegative(startPosition);
        int B = X.Dim(0), N = X.Dim(1);
        Tensor c = Linear.Forward(X, w.WDkv);
        Tensor kRope = Rope.Apply(Linear.Forward(X, w.WKr).Reshape(B, 1, N, w.RopeDim), startPosition, RopeLayout.RotateHalf);
        return new LatentCache(c, kRope.Reshape(B, N, w.RopeDim));
    }

    /// <summary>
    /// Causal MLA for new tokens <paramref name="X"/> [B, L, d_model] after the <paramref name="past"/> cache (prefill when
    /// null) with every head's keys and values rebuilt in full from the latent cache, as the definition reads.
    /// Returns y [B, L, d_model].
    /// </summary>
    public static Tensor Explicit(Tensor X, LatentAttentionWeights w, int heads, LatentCache? past = null)
    {
        Check(X, w, heads, checkHeads: true);
        int B = X.Dim(0), dR = w.RopeDim;
        var (cache, start) = Extend(X, w, past);
        int S = cache.Tokens;
        Tensor K = Tensor.Concat(Heads.Project(cache.C, w.WUk, null, heads), Broadcast(cache.KRope.Reshape(B, 1, S, dR), heads), axis: -1);
        Tensor V = Heads.Project(cache.C, w.WUv, null, heads);
        Tensor Q = Queries(X, w, heads, start, out int headDim);
        Tensor O = ScaledDotProductAttention.Forward(Q, K, V, causal: CausalAlignment.BottomRight, scale: Scale(headDim, dR));
        return Linear.Forward(Heads.Merge(O), w.WO);
    }

    /// <summary>
    /// Causal MLA for new tokens <paramref name="X"/> [B, L, d_model] after the <paramref name="past"/> cache (prefill
    /// when null, one decode step when L = 1), computed from the cache alone: W_UK absorbed into the queries, W_UV
    /// applied after the weighted sum. Returns y [B, L, d_model] and the cache with the new tokens appended.
    /// </summary>
    public static (Tensor Output, LatentCache Cache) Absorbed(Tensor X, LatentAttentionWeights w, int heads, LatentCache? past = null)
    {
        Check(X, w, heads, checkHeads: true);
        int B = X.Dim(0), L = X.Dim(1), dc = w.LatentDim, dR = w.RopeDim;
        var (cache, start) = Extend(X, w, past);
        int S = cache.Tokens;

        Tensor Q = Queries(X, w, heads, start, out int headDim);
        var Qabsorbed = new Tensor(B, heads, L, dc + dR);
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < L; i++)
                {
                    // q̃ = q_content W_UK,hᵀ (so q̃·c = q_content·(c W_UK,h)); the RoPE part passes through.
                    ReadOnlySpan<float> q = Q.Row(b, h, i);
                    Span<float> target = Qabsorbed.Row(b, h, i);
                    for (int j = 0; j < dc; j++)
                    {
                        target[j] = RowMath.Dot(q[..headDim], w.WUk.Data.AsSpan((j * heads * headDim) + (h * headDim), headDim));
                    }

                    q[headDim..].CopyTo(target[dc..]);
                }
            }
        }

        Tensor Kshared = Tensor.Concat(cache.C.Reshape(B, 1, S, dc), cache.KRope.Reshape(B, 1, S, dR), axis: -1);
        Tensor latentOut = ScaledDotProductAttention.Forward(
            Qabsorbed, Kshared, cache.C.Reshape(B, 1, S, dc), causal: CausalAlignment.BottomRight, scale: Scale(headDim, dR));

        var O = new Tensor(B, heads, L, headDim);
        Tensor WUvHeads = Heads.Split(w.WUv.Reshape(1, dc, heads * headDim), heads); // [1, h, d_c, d_h]
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                latentOut.Head(b, h).MatMul(WUvHeads.Head(0, h)).Data.CopyTo(O.HeadSpan(b, h));
            }
        }

        return (Linear.Forward(Heads.Merge(O), w.WO), cache);
    }

    /// <summary>The score scale of MLA, 1/√(d_h + d_R): each query-key dot product runs over both parts.</summary>
    public static float Scale(int headDim, int ropeDim) => 1f / MathF.Sqrt(headDim + ropeDim);

    // The cache with X's tokens appended, and the position of X's first token.
    private static (LatentCache Cache, int Start) Extend(Tensor X, LatentAttentionWeights w, LatentCache? past)
    {
        if (past is null)
        {
            return (Compress(X, w), 0);
        }

        Shapes.Require(past.C, "past.C", "[batch, tokens, latentDim]", X.Dim(0), Shapes.Any, w.LatentDim);
        Shapes.Require(past.KRope, "past.KRope", "[batch, tokens, ropeDim]", X.Dim(0), past.Tokens, w.RopeDim);
        LatentCache fresh = Compress(X, w, past.Tokens);
        return (new(Tensor.Concat(past.C, fresh.C, axis: 1), Tensor.Concat(past.KRope, fresh.KRope, axis: 1)), past.Tokens);
    }

    private static Tensor Queries(Tensor X, LatentAttentionWeights w, int heads, int startPosition, out int headDim)
    {
        Tensor content = Heads.Project(X, w.WQ, null, heads);
        Tensor rope = Rope.Apply(Heads.Project(X, w.WQr, null, heads), startPosition, RopeLayout.RotateHalf);
        headDim = content.Dim(3);
        return Tensor.Concat(content, rope, axis: -1);
    }

    private static int Check(Tensor X, LatentAttentionWeights w, int heads, bool checkHeads)
    {
        ArgumentNullException.ThrowIfNull(w);
        Shapes.Require(X, nameof(X), "[batch, tokens, dModel]", Shapes.Any, Shapes.Any, Shapes.Any);
        int dModel = X.Dim(2);
        Shapes.Require(w.WDkv, "w.WDkv", "[dModel, latentDim]", dModel, Shapes.Any);
        Shapes.Require(w.WKr, "w.WKr", "[dModel, ropeDim]", dModel, Shapes.Any);
        if (w.RopeDim % 2 != 0)
        {
            throw new ArgumentException($"w.WKr must have an even ropeDim (RoPE rotates pairs); got {w.WKr.ShapeText}.", nameof(w));
        }

        if (!checkHeads)
        {
            return dModel;
        }

        Shapes.RequirePositive(heads, nameof(heads));
        int dc = w.LatentDim, dR = w.RopeDim;
        int width = w.WQ.Rank == 2 ? w.WQ.Dim(1) : -1;
        if (width <= 0 || width % heads != 0)
        {
            throw new ArgumentException($"w.WQ must be [dModel = {dModel}, heads·headDim] with heads = {heads}; got {w.WQ.ShapeText}.", nameof(w));
        }

        Shapes.Require(w.WQ, "w.WQ", "[dModel, heads·headDim]", dModel, width);
        Shapes.Require(w.WUk, "w.WUk", "[latentDim, heads·headDim]", dc, width);
        Shapes.Require(w.WUv, "w.WUv", "[latentDim, heads·headDim]", dc, width);
        Shapes.Require(w.WQr, "w.WQr", "[dModel, heads·ropeDim]", dModel, heads * dR);
        Shapes.Require(w.WO, "w.WO", "[heads·headDim, dModel]", width, dModel);
        return dModel;
    }

    private static Tensor Broadcast(Tensor oneHead, int heads)
    {
        int B = oneHead.Dim(0), S = oneHead.Dim(2), d = oneHead.Dim(3);
        var all = new Tensor(B, heads, S, d);
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                oneHead.HeadSpan(b, 0).CopyTo(all.HeadSpan(b, h));
            }
        }

        return all;
    }
}
