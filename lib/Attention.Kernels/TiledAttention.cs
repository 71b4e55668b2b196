using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Attention.Kernels;

/// <summary>
/// Exact attention, fast: the FlashAttention-2 algorithm of <see cref="FlashAttention"/> (online softmax over key
/// tiles, the output kept unnormalised and divided once) with the two tile products as register-blocked SIMD
/// micro-kernels, causal tiles that are fully masked skipped, and the (batch, head, query block) work items spread
/// over threads. Same semantics as <see cref="ScaledDotProductAttention.Forward"/> for what it accepts: grouped-query
/// K/V (query head h reads KV head h / (Hq / Hkv)), no mask or top-left / bottom-right causal alignment, any scale;
/// a query row with no visible key returns zeros. For arbitrary boolean masks or additive biases, use the reference.
/// </summary>
public static class TiledAttention
{
    private const int DecodeRows = 8;   // fewer query rows than this: scores as dot products, no transposed K

    [ThreadStatic]
    private static Workspace? workspace;

    /// <summary>softmax(scale · Q Kᵀ + causal mask) V.</summary>
    /// <param name="Q">[B, Hq, L, E] queries.</param>
    /// <param name="K">[B, Hkv, S, E] keys; Hkv divides Hq.</param>
    /// <param name="V">[B, Hkv, S, Ev] values.</param>
    /// <param name="causal">Causal alignment, or null for none.</param>
    /// <param name="scale">Logit scale; default 1/√E.</param>
    /// <param name="blockRows">Query rows per work item (Br); rounded up to whole micro-kernel rows (4 at Vector512, 6 at Vector256).</param>
    /// <param name="blockKeys">Keys per tile (Bc); rounded up to whole micro-kernel columns (64 at Vector512, 16 at Vector256).</param>
    /// <param name="threads">Threads to use; default all processors.</param>
    /// <param name="width">The SIMD width of the tile products; default <see cref="KernelWidths.Best"/>.</param>
    /// <param name="output">[B, Hq, L, Ev] to write the result into (every element is written), or null for a new tensor.
    /// Reusing one saves first-touching fresh memory on every call.</param>
    /// <returns>[B, Hq, L, Ev]: <paramref name="output"/> when given.</returns>
    public static Tensor Forward(Tensor Q, Tensor K, Tensor V, CausalAlignment? causal = null, float? scale = null,
        int blockRows = 128, int blockKeys = 256, int? threads = null, KernelWidth? width = null, Tensor? output = null)
    {
        ArgumentNullException.ThrowIfNull(Q);
        ArgumentNullException.ThrowIfNull(K);
        ArgumentNullException.ThrowIfNull(V);
        Shapes.Require(Q, nameof(Q), "[B, Hq, L, E]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        int B = Q.Dim(0), Hq = Q.Dim(1), L = Q.Dim(2), E = Q.Dim(3);
        Shapes.Require(K, nameof(K), "[B, Hkv, S, E]", B, Shapes.Any, Shapes.Any, E);
        int Hkv = K.Dim(1), S = K.Dim(2);
        Shapes.Require(V, nameof(V), "[B, Hkv, S, Ev]", B, Hkv, S, Shapes.Any);
        int Ev = V.Dim(3);
        if (output is not null)
        {
            Shapes.Require(output, nameof(output), "[B, Hq, L, Ev]", B, Hq, L, Ev);
        }

        if (Hkv == 0 || Hq % Hkv != 0)
        {
            throw new ArgumentException($"K: the KV heads (axis 1, {Hkv}) must divide the query heads of Q ({Hq}).", nameof(K));
        }

        Shapes.RequirePositive(blockRows, nameof(blockRows));
        Shapes.RequirePositive(blockKeys, nameof(blockKeys));
        KernelWidth simd = width ?? KernelWidths.Best;
        int unit = TileProducts.Columns(simd), rowStep = TileProducts.Rows(simd);   // tiles, value rows and query blocks are padded to whole steps
        int Bc = (blockKeys + unit - 1) / unit * unit;
        int Br = (blockRows + rowStep - 1) / rowStep * rowStep;
        float s = scale ?? 1f / MathF.Sqrt(E);
        int offset = causal switch { CausalAlignment.TopLeft => 0, CausalAlignment.BottomRight => S - L, _ => int.MaxValue };
        var O = output ?? new Tensor(B, Hq, L, Ev);
        int qBlocks = (L + Br - 1) / Br, group = Hq / Hkv;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount };
        // Many query rows reuse each key: pack Kᵀ once (tile by tile, see TransposedKeys) so the score tile is a
        // broadcast-FMA product. A few rows (decode) read each key once: dot products on K as it is.
        using var keys = L >= DecodeRows ? KeysTransposed(K, Bc, options) : null;

        // Decode with fewer work items than threads (Flash-Decoding): each item's keys are split into ranges of whole tiles,
        // one per spare thread, and the partial results merged by their log-sum-exp. Prefill has work items enough.
        int items = B * Hq * qBlocks, tiles = (S + Bc - 1) / Bc;
        int splits = keys is null && qBlocks == 1 && items < options.MaxDegreeOfParallelism ? Math.Max(1, Math.Min(options.MaxDegreeOfParallelism / items, tiles)) : 1;
        int tilesPerSplit = (tiles + splits - 1) / splits;
        var partials = splits > 1 ? new Partials(items, splits, Br, Ev) : null;
        Parallel.For(0, items * splits, options, job =>
        {
            int item = job / splits, split = job % splits;
            int qb = item % qBlocks, h = item / qBlocks % Hq, b = item / qBlocks / Hq;
            var range = new KeyRange(split * tilesPerSplit * Bc, (int)Math.Min(S, (long)(split + 1) * tilesPerSplit * Bc));
            workspace ??= new Workspace();
            Block(Q, K, V, keys, O, workspace, simd, b, h, h / group, qb * Br, Math.Min(Br, L - (qb * Br)), S, E, Ev, Bc, s, offset, range, partials, job);
        });
        if (partials is not null)
        {
            partials.Merge(O, L);
        }

        return O;
    }

    // The keys one job attends over: [From, To), a whole number of tiles from the start.
    private readonly record struct KeyRange(int From, int To);

    // One (batch, query head, query block): the online softmax over the key tiles this block can see.
    // With partials, the unnormalised output and the running max and sum go to the job's slot instead of O.
    private static void Block(Tensor Q, Tensor K, Tensor V, TransposedKeys? keys, Tensor O, Workspace w, KernelWidth simd, int b, int h, int kv,
        int i0, int rows, int S, int E, int Ev, int Bc, float scale, int offset, KeyRange range, Partials? partials, int job)
    {
        int rowStep = TileProducts.Rows(simd), unit = TileProducts.Columns(simd);
        int rowsPadded = (rows + rowStep - 1) / rowStep * rowStep;
        int EvPadded = (Ev + unit - 1) / unit * unit;
        Span<float> q = w.Q(rowsPadded * E), acc = w.O(rowsPadded * EvPadded), tile = w.S(rowsPadded * Bc);
        q.Clear();
        acc.Clear();
        TensorPrimitives.Multiply(Q.Data.AsSpan(Q.Offset(b, h, i0, 0), rows * E), scale, q);
        Span<float> m = w.M(rowsPadded), l = w.L(rowsPadded);
        m.Fill(float.NegativeInfinity);
        l.Clear();

        // Keys a causal block can see end at i0 + rows − 1 + offset: later tiles are skipped, not computed.
        long lastVisible = Math.Min(range.To - 1, offset == int.MaxValue ? S - 1 : Math.Min(S - 1, (long)i0 + rows - 1 + offset));
        for (int j0 = range.From; j0 <= lastVisible; j0 += Bc)
        {
            int cols = (int)Math.Min(Bc, lastVisible + 1 - j0);

            // Row r sees keys j < diagonal + r + 1 of this tile: on the causal diagonal the products and the softmax stop
            // there (a third of the tile on average), not at the tile's end.
            long diagonal = offset == int.MaxValue ? Bc : (long)i0 + offset - j0;
            if (keys is not null)
            {
                TileProducts.Scores(simd, q, keys.Tile(b, kv, j0 / Bc), keys.Stride, tile, rowsPadded, E, Bc, diagonal);
            }
            else
            {
                DotScores(q, K.Data.AsSpan(K.Offset(b, kv, j0, 0), cols * E), tile, rows, cols, E, Bc);
            }

            // V rows are read in place when their width is whole vectors; otherwise copied zero-padded.
            ReadOnlySpan<float> values = Ev == EvPadded ? V.Data.AsSpan(V.Offset(b, kv, j0, 0)) : PaddedValues(V, w.V(Bc * EvPadded), b, kv, j0, cols, Ev, EvPadded);
            for (int r = 0; r < rows; r++)
            {
                Span<float> score = tile.Slice(r * Bc, Bc);
                int visible = (int)Math.Clamp(diagonal + r + 1, 0, cols);
                if (visible == 0)
                {
                    score.Clear();          // nothing visible in this tile: p = 0, the running state stays
                    continue;
                }

                // The softmax takes whole micro-kernel steps: hidden keys inside the last one are −∞, keys past it p = 0.
                int width = (visible + unit - 1) / unit * unit;
                score[visible..width].Fill(float.NegativeInfinity);
                TileSoftmax.Update(simd, score[..width], ref m[r], ref l[r], acc.Slice(r * EvPadded, EvPadded));
                if (width < cols)
                {
                    score[width..cols].Clear();
                }
            }

            TileProducts.Accumulate(simd, tile, values, EvPadded, acc, rows, EvPadded, cols, Bc, diagonal);
        }

        if (partials is not null)
        {
            partials.Store(job, acc, m, l, rows, EvPadded);
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            Span<float> o = O.Data.AsSpan(O.Offset(b, h, i0 + r, 0), Ev);
            if (l[r] > 0)
            {
                TensorPrimitives.Divide(acc.Slice(r * EvPadded, Ev), l[r], o);
            }
            else
            {
                o.Clear();
            }
        }
    }

    // V rows of one tile, zero-padded to whole micro-kernel steps, for a value width that is not a multiple of one.
    private static Span<float> PaddedValues(Tensor V, Span<float> vt, int b, int kv, int j0, int cols, int Ev, int EvPadded)
    {
        vt.Clear();
        for (int j = 0; j < cols; j++)
        {
            V.Data.AsSpan(V.Offset(b, kv, j0 + j, 0), Ev).CopyTo(vt.Slice(j * EvPadded, Ev));
        }

        return vt;
    }

    private static TransposedKeys KeysTransposed(Tensor K, int Bc, ParallelOptions options)
    {
        int B = K.Dim(0), Hkv = K.Dim(1), S = K.Dim(2), E = K.Dim(3), tiles = (S + Bc - 1) / Bc;
        var keys = new TransposedKeys(B, Hkv, tiles, E, Bc);
        Parallel.For(0, B * Hkv, options, bh =>
        {
            ReadOnlySpan<float> source = K.Data.AsSpan(K.Offset(bh / Hkv, bh % Hkv, 0, 0), S * E);
            for (int t = 0; t < tiles; t++)
            {
                Span<float> target = keys.Tile(bh / Hkv, bh % Hkv, t);
                for (int j = t * Bc; j < Math.Min(S, (t + 1) * Bc); j++)
                {
                    for (int e = 0; e < E; e++)
                    {
                        target[(e * keys.Stride) + j - (t * Bc)] = source[(j * E) + e];
                    }
                }
            }
        });
        return keys;
    }

    // Kᵀ of every (batch, KV head) packed tile by tile: tile t is [E, Bc] contiguous, rows Stride apart. A tile's 64 rows
    // then sit on 17 pages, not 64, and rows one cache line more than Bc apart keep a power-of-two stride from putting
    // every row of a tile in the same cache sets. Columns beyond S (zero, or a reused buffer's leftovers) give scores that
    // are masked before use. The buffer is kept for the next call (up to 32 MiB): first-touching fresh memory can cost
    // more than the whole transpose (16–22 ms per 6 MiB in this sandbox: the benchmark's "Fresh memory" line).
    private sealed class TransposedKeys : IDisposable
    {
        private const long KeptFloats = 8L << 20;
        private static float[]? kept;
        private readonly float[] data;
        private readonly int origin, kvHeads, tiles, tileLength;

        public TransposedKeys(int B, int Hkv, int tiles, int E, int Bc)
        {
            (kvHeads, this.tiles, Stride) = (Hkv, tiles, Bc + 16);
            tileLength = E * Stride;
            long length = (long)B * Hkv * tiles * tileLength;
            float[]? reused = Interlocked.Exchange(ref kept, null);
            if (reused is not null && reused.Length >= length + 16)
            {
                data = reused;
                origin = Aligned.Origin(data);
            }
            else
            {
                data = Aligned.Floats(length, out origin);
            }
        }

        public int Stride { get; }

        public Span<float> Tile(int b, int kv, int t) => data.AsSpan(origin + ((((b * kvHeads) + kv) * tiles) + t) * tileLength, tileLength);

        public void Dispose()
        {
            if (data.Length <= KeptFloats)
            {
                Interlocked.Exchange(ref kept, data);
            }
        }
    }

    // S[r, j] = q_r · k_j, one dot product per pair: decode (fewer than DecodeRows queries) reads K in place, since
    // transposing the whole of K for a handful of queries would cost more than it saves.
    private static void DotScores(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, Span<float> s, int rows, int cols, int E, int Bc)
    {
        s.Clear();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> query = q.Slice(r * E, E);
            for (int j = 0; j < cols; j++)
            {
                s[(r * Bc) + j] = TensorPrimitives.Dot(query, keys.Slice(j * E, E));
            }
        }
    }

    // Per-thread buffers, kept between calls, each starting on a cache line (see Aligned): a block's scaled queries, one
    // tile's scores, padded V rows, the running output, and the running max and sum.
    private sealed class Workspace
    {
        private readonly Buffer q = new(), s = new(), v = new(), o = new(), m = new(), l = new();

        public Span<float> Q(int length) => q.Take(length);

        public Span<float> S(int length) => s.Take(length);

        public Span<float> V(int length) => v.Take(length);

        public Span<float> O(int length) => o.Take(length);

        public Span<float> M(int length) => m.Take(length);

        public Span<float> L(int length) => l.Take(length);

        private sealed class Buffer
        {
            private float[] data = [];
            private int origin;

            public Span<float> Take(int length)
            {
                if (data.Length - origin < length)
                {
                    data = Aligned.Floats(length, out origin);
                }

                return data.AsSpan(origin, length);
            }
        }
    }
}
