namespace Attention;

/// <summary>
/// The physical KV memory of a paged cache (PagedAttention, Kwon et al. 2023): <see cref="Blocks"/> fixed-size blocks of
/// <see cref="BlockSize"/> tokens, shared by every sequence and handed out one at a time from a free list. A sequence
/// never reserves memory it has not reached: at most one partly filled block each.
/// </summary>
public sealed class KvBlockPool
{
    private readonly Stack<int> free;

    /// <summary>A pool of <paramref name="blocks"/> blocks, each holding <paramref name="blockSize"/> tokens' keys and values.</summary>
    public KvBlockPool(int blocks, int blockSize, int kvHeads, int headDim)
    {
        Shapes.RequirePositive(blocks, nameof(blocks));
        Shapes.RequirePositive(blockSize, nameof(blockSize));
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        Shapes.RequirePositive(headDim, nameof(headDim));
        (Blocks, BlockSize, KvHeads, HeadDim) = (blocks, blockSize, kvHeads, headDim);
        Keys = new float[checked((long)blocks * kvHeads * blockSize * headDim)];
        Values = new float[Keys.Length];
        free = new Stack<int>(Enumerable.Range(0, blocks).Reverse());
    }

    /// <summary>Blocks in the pool.</summary>
    public int Blocks { get; }

    /// <summary>Tokens per block.</summary>
    public int BlockSize { get; }

    /// <summary>KV heads H of every cached token.</summary>
    public int KvHeads { get; }

    /// <summary>Head dimension d of keys and values.</summary>
    public int HeadDim { get; }

    /// <summary>Blocks not handed out.</summary>
    public int FreeBlocks => free.Count;

    /// <summary>Block storage [block, head, slot, d]: block b's head h starts at ((b·H + h)·BlockSize)·d.</summary>
    internal float[] Keys { get; }

    /// <summary>Like <see cref="Keys"/>, for values.</summary>
    internal float[] Values { get; }

    /// <summary>Takes a free block.</summary>
    /// <exception cref="InvalidOperationException">Every block is in use (a server would preempt or queue the request).</exception>
    public int Allocate() =>
        free.Count > 0 ? free.Pop() : throw new InvalidOperationException($"all {Blocks} blocks of {BlockSize} tokens are in use.");

    /// <summary>Returns <paramref name="block"/> to the free list.</summary>
    public void Free(int block)
    {
        if ((uint)block >= (uint)Blocks || free.Contains(block))
        {
            throw new ArgumentException($"block {block} is not an allocated block of this pool (0 .. {Blocks - 1}).", nameof(block));
        }

        free.Push(block);
    }

    internal int Offset(int block, int head, int slot) => (((block * KvHeads) + head) * BlockSize + slot) * HeadDim;
}

/// <summary>
/// One sequence's KV cache in a <see cref="KvBlockPool"/>: logical token t lives in block <c>BlockTable[t / BlockSize]</c>,
/// slot <c>t % BlockSize</c>. The blocks need not be adjacent, or in order: the table is the only map.
/// </summary>
public sealed class PagedKvCache(KvBlockPool pool)
{
    private readonly List<int> table = [];

    /// <summary>The pool the blocks come from.</summary>
    public KvBlockPool Pool { get; } = pool ?? throw new ArgumentNullException(nameof(pool));

    /// <summary>The physical block of each logical block, in order.</summary>
    public IReadOnlyList<int> BlockTable => table;

    /// <summary>Tokens cached.</summary>
    public int Length { get; private set; }

    /// <summary>Token slots held: whole blocks, so at most BlockSize − 1 more than <see cref="Length"/>.</summary>
    public int ReservedSlots => table.Count * Pool.BlockSize;

    /// <summary>Appends T new tokens' keys and values, [1, H, T, d] each, taking a block whenever the last one is full.</summary>
    public void Append(Tensor Knew, Tensor Vnew)
    {
        Shapes.Require(Knew, nameof(Knew), "[1, kvHeads, tokens, headDim]", 1, Pool.KvHeads, Shapes.Any, Pool.HeadDim);
        Shapes.Require(Vnew, nameof(Vnew), "[1, kvHeads, tokens, headDim]", 1, Pool.KvHeads, Knew.Dim(2), Pool.HeadDim);
        for (int t = 0; t < Knew.Dim(2); t++)
        {
            if (Length == ReservedSlots)
            {
                table.Add(Pool.Allocate());
            }

            int block = table[Length / Pool.BlockSize], slot = Length % Pool.BlockSize;
            for (int h = 0; h < Pool.KvHeads; h++)
            {
                Knew.Row(0, h, t).CopyTo(Pool.Keys.AsSpan(Pool.Offset(block, h, slot), Pool.HeadDim));
                Vnew.Row(0, h, t).CopyTo(Pool.Values.AsSpan(Pool.Offset(block, h, slot), Pool.HeadDim));
            }

            Length++;
        }
    }

    /// <summary>The cached keys gathered in logical order, [1, H, Length, d] (a copy, for checking and teaching).</summary>
    public Tensor Keys => Gather(Pool.Keys);

    /// <summary>The cached values gathered in logical order, [1, H, Length, d].</summary>
    public Tensor Values => Gather(Pool.Values);

    /// <summary>Gives every block back to the pool (the request finished).</summary>
    public void Release()
    {
        table.ForEach(Pool.Free);
        table.Clear();
        Length = 0;
    }

    /// <summary>
    /// Decode attention of one new query per head, q [1, Hq, 1, d], against the cache, read block by block through the
    /// table (no gathered copy): an online softmax carries the running max and sum from block to block. Hq is a
    /// multiple of H (grouped-query heads). Returns [1, Hq, 1, d].
    /// </summary>
    public Tensor Attend(Tensor q, float? scale = null)
    {
        Shapes.Require(q, nameof(q), "[1, queryHeads, 1, headDim]", 1, Shapes.Any, 1, Pool.HeadDim);
        int Hq = q.Dim(1), d = Pool.HeadDim;
        float c = scale ?? ScaledDotProductAttention.DefaultScale(d);
        var output = new Tensor(1, Hq, 1, d);
        var scores = new float[Pool.BlockSize];
        for (int h = 0; h < Hq; h++)
        {
            int kvh = ScaledDotProductAttention.KvHead(h, Hq, Pool.KvHeads);
            ReadOnlySpan<float> qh = q.Row(0, h, 0);
            Span<float> o = output.Row(0, h, 0);
            var softmax = new OnlineSoftmax();
            for (int k = 0; k < table.Count; k++)
            {
                int used = Math.Min(Pool.BlockSize, Length - (k * Pool.BlockSize));
                Span<float> p = scores.AsSpan(0, used);
                for (int s = 0; s < used; s++)
                {
                    p[s] = c * RowMath.Dot(qh, Pool.Keys.AsSpan(Pool.Offset(table[k], kvh, s), d));
                }

                // The online softmax (6.3) rescales what came before to the new maximum and gives this block's weights.
                float rescale = (float)softmax.Update(p, p);
                RowMath.Multiply(o, rescale);
                for (int s = 0; s < used; s++)
                {
                    RowMath.MultiplyAdd(Pool.Values.AsSpan(Pool.Offset(table[k], kvh, s), d), p[s], o, o);
                }
            }

            double l = softmax.Sum;
            if (l > 0)
            {
                RowMath.Divide(o, (float)l);
            }
        }

        return output;
    }

    private Tensor Gather(float[] storage)
    {
        var gathered = new Tensor(1, Pool.KvHeads, Length, Pool.HeadDim);
        for (int h = 0; h < Pool.KvHeads; h++)
        {
            for (int t = 0; t < Length; t++)
            {
                storage.AsSpan(Pool.Offset(table[t / Pool.BlockSize], h, t % Pool.BlockSize), Pool.HeadDim).CopyTo(gathered.Row(0, h, t));
            }
        }

        return gathered;
    }
}
