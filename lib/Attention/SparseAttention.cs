namespace Attention;

/// <summary>The output of block-skipping sparse attention and how many tiles it touched.</summary>
/// <param name="Output">O [batch, queryHeads, queries, valueDim], equal to dense attention with the same mask.</param>
/// <param name="ComputedBlocks">blockSize × blockSize tiles (summed over batch and heads) holding at least one visible pair.</param>
/// <param name="SkippedBlocks">Tiles whose every pair is hidden, never computed.</param>
public sealed record SparseAttentionResult(Tensor Output, int ComputedBlocks, int SkippedBlocks)
{
    /// <summary>All tiles: computed + skipped.</summary>
    public int TotalBlocks => ComputedBlocks + SkippedBlocks;
}

/// <summary>How far a sparse pattern's output is from the exact (dense) one.</summary>
/// <param name="MaxAbs">max |O_sparse − O_dense| over all elements.</param>
/// <param name="RelativeL2">‖O_sparse − O_dense‖₂ / ‖O_dense‖₂.</param>
public sealed record SparseError(double MaxAbs, double RelativeL2);

/// <summary>
/// Sparse and local attention: patterns that let each query see only some keys, written as <see cref="Mask"/>s
/// (true = may attend), and a kernel that only computes the blocks of the score matrix holding a visible pair.
/// With n tokens and k visible keys per query the cost falls from O(n²) to O(n·k); the price is the attention
/// mass the pattern drops, which <see cref="ErrorAgainstExact"/> measures. Positions follow the course's
/// convention: query i sits at position p = i + S − L (bottom-right), as in <see cref="Mask.SlidingWindow"/>.
/// </summary>
public static class SparseAttention
{
    /// <summary>
    /// Local causal attention: the query at position p sees the W keys p − W + 1 .. p (its own included).
    /// The same pattern as <see cref="Mask.SlidingWindow"/>, shape [queries, keys].
    /// </summary>
    public static Mask SlidingWindow(int queries, int keys, int window) => Mask.SlidingWindow(queries, keys, window);

    /// <summary>
    /// Block-sparse attention: <paramref name="layout"/>[qb, kb] says whether query block qb may see key block kb,
    /// each block <paramref name="blockSize"/> positions wide (the last may be shorter). Shape [queries, keys].
    /// </summary>
    /// <exception cref="ArgumentException">The layout is not [⌈queries/blockSize⌉, ⌈keys/blockSize⌉].</exception>
    public static Mask BlockSparse(bool[,] layout, int blockSize, int queries, int keys)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Shapes.RequirePositive(blockSize, nameof(blockSize));
        Shapes.RequirePositive(queries, nameof(queries));
        Shapes.RequirePositive(keys, nameof(keys));
        int qBlocks = CeilDiv(queries, blockSize), kBlocks = CeilDiv(keys, blockSize);
        if (layout.GetLength(0) != qBlocks || layout.GetLength(1) != kBlocks)
        {
            throw new ArgumentException(
                $"layout must have shape [queryBlocks, keyBlocks] = [{qBlocks}, {kBlocks}] for {queries} queries, {keys} keys " +
                $"and blockSize {blockSize}; got [{layout.GetLength(0)}, {layout.GetLength(1)}].",
                nameof(layout));
        }

        return Mask.FromPredicate(queries, keys, (i, j) => layout[i / blockSize, j / blockSize]);
    }

    /// <summary>
    /// Dilated causal attention (Longformer's dilated sliding window): the query at position p sees the
    /// W keys p, p − r, p − 2r, …, p − (W − 1)r, so it reaches (W − 1)·r + 1 positions back with only W keys.
    /// <paramref name="dilation"/> = 1 is <see cref="SlidingWindow"/>. Shape [queries, keys].
    /// </summary>
    public static Mask Dilated(int queries, int keys, int window, int dilation)
    {
        Shapes.RequirePositive(window, nameof(window));
        Shapes.RequirePositive(dilation, nameof(dilation));
        int offset = keys - queries;
        return Mask.FromPredicate(queries, keys, (i, j) =>
        {
            int back = i + offset - j;
            return back >= 0 && back % dilation == 0 && back / dilation < window;
        });
    }

    /// <summary>
    /// Adds global tokens to <paramref name="pattern"/> (or to nothing): a key at a global position is seen by every
    /// query, and a query at a global position sees every key. Global tokens are two-way, as in Longformer; for a
    /// decoder, AND the result with <see cref="Mask.Causal"/>. Shape [queries, keys].
    /// </summary>
    /// <param name="queries">Number of queries L (query i sits at position i + S − L).</param>
    /// <param name="keys">Number of keys S.</param>
    /// <param name="positions">The global positions, each in 0..keys − 1.</param>
    /// <param name="pattern">A [queries, keys] pattern to extend, or null for global tokens alone.</param>
    public static Mask GlobalTokens(int queries, int keys, IReadOnlyCollection<int> positions, Mask? pattern = null)
    {
        ArgumentNullException.ThrowIfNull(positions);
        Shapes.RequirePositive(queries, nameof(queries));
        Shapes.RequirePositive(keys, nameof(keys));
        foreach (int p in positions)
        {
            if ((uint)p >= (uint)keys)
            {
                throw new ArgumentOutOfRangeException(nameof(positions), p, $"global positions must be in 0..{keys - 1}; got {p}.");
            }
        }

        if (pattern is not null && (pattern.Shape.Length != 2 || pattern.Queries != queries || pattern.Keys != keys))
        {
            throw new ArgumentException(
                $"pattern must have shape [queries, keys] = [{queries}, {keys}]; got {Shapes.Format(pattern.Shape)}.", nameof(pattern));
        }

        var global = new HashSet<int>(positions);
        int offset = keys - queries;
        return Mask.FromPredicate(queries, keys, (i, j) =>
            global.Contains(j) || global.Contains(i + offset) || (pattern?[i, j] ?? false));
    }

    /// <summary>The fraction of (query, key) pairs a pattern lets through, over its whole (unbroadcast) shape.</summary>
    public static double Density(Mask pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        int[] shape = [.. Enumerable.Repeat(1, 4 - pattern.Shape.Length), .. pattern.Shape];
        long visible = 0, total = (long)shape[0] * shape[1] * shape[2] * shape[3];
        for (int b = 0; b < shape[0]; b++)
        {
            for (int h = 0; h < shape[1]; h++)
            {
                for (int i = 0; i < shape[2]; i++)
                {
                    for (int j = 0; j < shape[3]; j++)
                    {
                        visible += pattern.IsVisible(b, h, i, j) ? 1 : 0;
                    }
                }
            }
        }

        return (double)visible / total;
    }

    /// <summary>
    /// Attention under <paramref name="pattern"/>, computing only the blockSize × blockSize tiles of the score matrix
    /// that hold at least one visible pair. Equal to <c>ScaledDotProductAttention.Forward(Q, K, V, mask: pattern)</c>.
    /// </summary>
    /// <param name="Q">Queries [batch, queryHeads, queries, headDim].</param>
    /// <param name="K">Keys [batch, kvHeads, keys, headDim].</param>
    /// <param name="V">Values [batch, kvHeads, keys, valueDim].</param>
    /// <param name="pattern">The sparsity pattern, broadcast to [batch, queryHeads, queries, keys].</param>
    /// <param name="blockSize">Tile side, at least 1.</param>
    /// <param name="scale">Multiplier of Q Kᵀ; default 1/√headDim.</param>
    /// <returns>O [batch, queryHeads, queries, valueDim].</returns>
    public static Tensor Forward(Tensor Q, Tensor K, Tensor V, Mask pattern, int blockSize, float? scale = null) =>
        ForwardWithBlockCounts(Q, K, V, pattern, blockSize, scale).Output;

    /// <summary>Like <see cref="Forward"/>, also reporting how many tiles were computed and skipped.</summary>
    public static SparseAttentionResult ForwardWithBlockCounts(Tensor Q, Tensor K, Tensor V, Mask pattern, int blockSize, float? scale = null)
    {
        var (B, Hq, L, E, _, S, _) = ScaledDotProductAttention.CheckQkv(Q, K, V);
        ArgumentNullException.ThrowIfNull(pattern);
        pattern.RequireBroadcastsTo(nameof(pattern), B, Hq, L, S);
        Shapes.RequirePositive(blockSize, nameof(blockSize));
        var result = FlashAttention.Tiled(
            Q, K, V, blockSize, blockSize, int.MaxValue / 2, pattern, ScaledDotProductAttention.ResolveScale(scale, E), trace: null);
        return new SparseAttentionResult(result.Output, result.ComputedBlocks, result.SkippedBlocks);
    }

    /// <summary>
    /// The error of attending under <paramref name="pattern"/> instead of densely (all keys, or all past keys when
    /// <paramref name="causal"/> is set). The sparse side also applies <paramref name="causal"/>, so the error counts only
    /// what the pattern drops: it is 0 when the pattern covers every pair the dense computation sees.
    /// </summary>
    public static SparseError ErrorAgainstExact(
        Tensor Q, Tensor K, Tensor V, Mask pattern, CausalAlignment? causal = null, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Tensor dense = ScaledDotProductAttention.Forward(Q, K, V, causal: causal, scale: scale);
        Tensor sparse = ScaledDotProductAttention.Forward(Q, K, V, mask: pattern, causal: causal, scale: scale);
        double maxAbs = 0;
        for (int n = 0; n < dense.Length; n++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs((double)sparse.Data[n] - dense.Data[n]));
        }

        double denseNorm = Norm(dense.Data, null);
        double diffNorm = Norm(dense.Data, sparse.Data);
        return new SparseError(maxAbs, denseNorm == 0 ? (diffNorm == 0 ? 0 : double.PositiveInfinity) : diffNorm / denseNorm);
    }

    private static double Norm(float[] a, float[]? b)
    {
        double sum = 0;
        for (int n = 0; n < a.Length; n++)
        {
            double d = a[n] - (b?[n] ?? 0.0);
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
