namespace Attention;

/// <summary>
/// A rolling-buffer KV cache for sliding-window attention (Mistral style): memory stays at W tokens however long
/// the sequence grows.
/// <para>
/// <b>The window, precisely.</b> With window W, the query at absolute position p sees the keys at positions
/// p − W + 1 .. p: W keys <em>including its own</em> (fewer near the start). That is exactly
/// <see cref="Mask.SlidingWindow(int, int, int)"/> with the same W. (Some papers count W keys <em>before</em> the
/// query, i.e. W + 1 in all; this class does not.)
/// </para>
/// <para>
/// <b>The buffer.</b> The token at absolute position p is stored in slot p mod W, overwriting position p − W, which
/// no later query can see. The buffer therefore holds the last min(<see cref="Position"/>, W) tokens.
/// </para>
/// <para>
/// <b>Chunks.</b> When a decode step brings T &gt; 1 tokens, the chunk's early queries may need keys that its later
/// tokens would overwrite; <see cref="CachedAttention.Decode(SlidingWindowKvCache, Tensor, Tensor, Tensor, Tensor?, float?)"/>
/// therefore attends over buffer ∪ chunk with the sliding-window mask <em>before</em> writing the chunk.
/// </para>
/// </summary>
public sealed class SlidingWindowKvCache
{
    private readonly float[] keys;
    private readonly float[] values;

    /// <summary>Allocates an empty rolling buffer of <paramref name="window"/> slots.</summary>
    /// <param name="batch">B, the batch size.</param>
    /// <param name="kvHeads">H_kv, the number of key/value heads.</param>
    /// <param name="headDim">d, the key size.</param>
    /// <param name="valueDim">d_v, the value size.</param>
    /// <param name="window">W, the number of keys a query sees including itself (positions p − W + 1 .. p).</param>
    public SlidingWindowKvCache(int batch, int kvHeads, int headDim, int valueDim, int window)
    {
        Shapes.RequirePositive(batch, nameof(batch));
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        Shapes.RequirePositive(headDim, nameof(headDim));
        Shapes.RequirePositive(valueDim, nameof(valueDim));
        Shapes.RequirePositive(window, nameof(window));
        (Batch, KvHeads, HeadDim, ValueDim, Window) = (batch, kvHeads, headDim, valueDim, window);
        keys = new float[checked(batch * kvHeads * window * headDim)];
        values = new float[checked(batch * kvHeads * window * valueDim)];
    }

    /// <summary>B, the batch size.</summary>
    public int Batch { get; }

    /// <summary>H_kv, the number of key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>d, the key size.</summary>
    public int HeadDim { get; }

    /// <summary>d_v, the value size.</summary>
    public int ValueDim { get; }

    /// <summary>W, the window (and the number of slots).</summary>
    public int Window { get; }

    /// <summary>
    /// The absolute number of tokens seen, i.e. the position of the next token. Apply RoPE to new queries and keys
    /// at positions Position, Position + 1, … (the buffer forgets positions, this counter does not).
    /// </summary>
    public int Position { get; private set; }

    /// <summary>The number of tokens held: min(<see cref="Position"/>, W).</summary>
    public int Length => Math.Min(Position, Window);

    /// <summary>
    /// The held keys in position order, [B, H_kv, Length, d]: entry k is the key of absolute position
    /// Position − Length + k, read from slot (Position − Length + k) mod W.
    /// </summary>
    public Tensor Keys => Unroll(keys, HeadDim);

    /// <summary>The held values in position order, [B, H_kv, Length, d_v].</summary>
    public Tensor Values => Unroll(values, ValueDim);

    /// <summary>The slot that absolute position <paramref name="position"/> occupies: position mod W.</summary>
    public int SlotOf(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        return position % Window;
    }

    /// <summary>
    /// Writes T ≥ 1 new tokens at positions Position .. Position + T − 1 into slots p mod W. When T &gt; W only the
    /// last W survive. This does not attend; use <see cref="CachedAttention"/> for a decode step.
    /// </summary>
    /// <param name="Knew">New keys [B, H_kv, T, d].</param>
    /// <param name="Vnew">New values [B, H_kv, T, d_v].</param>
    public void Append(Tensor Knew, Tensor Vnew)
    {
        int T = KvCache.CheckNew(Knew, Vnew, Batch, KvHeads, HeadDim, ValueDim);
        if (Position > int.MaxValue - T)
        {
            throw new InvalidOperationException($"appending {T} tokens at position {Position} would overflow the position counter.");
        }

        // Tokens older than the last W of the chunk would be overwritten within this very call.
        for (int t = Math.Max(0, T - Window); t < T; t++)
        {
            int slot = SlotOf(Position + t);
            for (int b = 0; b < Batch; b++)
            {
                for (int h = 0; h < KvHeads; h++)
                {
                    Knew.Row(b, h, t).CopyTo(keys.AsSpan(Offset(b, h, slot, HeadDim), HeadDim));
                    Vnew.Row(b, h, t).CopyTo(values.AsSpan(Offset(b, h, slot, ValueDim), ValueDim));
                }
            }
        }

        Position += T;
    }

    /// <summary>
    /// The memory the held tokens take: B · H_kv · min(Position, W) · (d + d_v) · bytesPerValue, bounded by the
    /// window however long the sequence.
    /// </summary>
    /// <param name="bytesPerValue">2 for fp16/bf16, 4 for fp32.</param>
    public long Bytes(int bytesPerValue)
    {
        Shapes.RequirePositive(bytesPerValue, nameof(bytesPerValue));
        return (long)Batch * KvHeads * Length * (HeadDim + ValueDim) * bytesPerValue;
    }

    private int Offset(int b, int h, int slot, int width) => (((((b * KvHeads) + h) * Window) + slot) * width);

    private Tensor Unroll(float[] store, int width)
    {
        int held = Length, first = Position - held;
        var t = new Tensor(Batch, KvHeads, held, width);
        for (int b = 0; b < Batch; b++)
        {
            for (int h = 0; h < KvHeads; h++)
            {
                for (int k = 0; k < held; k++)
                {
                    store.AsSpan(Offset(b, h, SlotOf(first + k), width), width).CopyTo(t.Row(b, h, k));
                }
            }
        }

        return t;
    }
}
