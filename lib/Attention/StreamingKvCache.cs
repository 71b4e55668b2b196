namespace Attention;

/// <summary>
/// The StreamingLLM cache (Xiao et al. 2023): the first S tokens of the stream (the "attention sinks") stay for good, and
/// after them a rolling window of the last W tokens; everything between is evicted. Memory stays at S + W tokens however
/// long the stream.
/// <para>
/// <b>Positions by cache place.</b> The held tokens are numbered 0 .. <see cref="Length"/> − 1 in cache order (sinks, then
/// the window oldest first), and RoPE or ALiBi is applied with those numbers at attention time, not with the tokens'
/// places in the text. So the keys are stored <em>unrotated</em>: a token's cache place changes as the window rolls. The
/// largest distance a query ever sees is S + W − 1, one the model met in training if S + W ≤ its context.
/// </para>
/// <para>
/// With S = 0 this is a plain rolling window that evicts the first tokens; with S + W ≥ the stream nothing is evicted and
/// cache places equal positions in the text. The window counts the newest token: after token p arrives, the window holds
/// text positions max(S, p − W + 1) .. p.
/// </para>
/// </summary>
public sealed class StreamingKvCache
{
    private readonly float[] keys;
    private readonly float[] values;

    /// <summary>Allocates an empty cache of S + W slots.</summary>
    /// <param name="batch">B, the batch size.</param>
    /// <param name="kvHeads">H_kv, the number of key/value heads.</param>
    /// <param name="headDim">d, the key size.</param>
    /// <param name="valueDim">d_v, the value size.</param>
    /// <param name="sinks">S ≥ 0, the first tokens kept for good.</param>
    /// <param name="window">W ≥ 1, the most recent tokens kept (the newest included).</param>
    public StreamingKvCache(int batch, int kvHeads, int headDim, int valueDim, int sinks, int window)
    {
        Shapes.RequirePositive(batch, nameof(batch));
        Shapes.RequirePositive(kvHeads, nameof(kvHeads));
        Shapes.RequirePositive(headDim, nameof(headDim));
        Shapes.RequirePositive(valueDim, nameof(valueDim));
        ArgumentOutOfRangeException.ThrowIfNegative(sinks);
        Shapes.RequirePositive(window, nameof(window));
        if ((long)sinks + window > int.MaxValue / 2)
        {
            throw new ArgumentException($"sinks + window = {(long)sinks + window} slots is too many.", nameof(window));
        }

        (Batch, KvHeads, HeadDim, ValueDim, Sinks, Window) = (batch, kvHeads, headDim, valueDim, sinks, window);
        keys = new float[checked(batch * kvHeads * (sinks + window) * headDim)];
        values = new float[checked(batch * kvHeads * (sinks + window) * valueDim)];
    }

    /// <summary>B, the batch size.</summary>
    public int Batch { get; }

    /// <summary>H_kv, the number of key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>d, the key size.</summary>
    public int HeadDim { get; }

    /// <summary>d_v, the value size.</summary>
    public int ValueDim { get; }

    /// <summary>S, the sink tokens kept from the start of the stream.</summary>
    public int Sinks { get; }

    /// <summary>W, the most recent tokens kept.</summary>
    public int Window { get; }

    /// <summary>The number of tokens appended so far: the text position of the next one.</summary>
    public int Seen { get; private set; }

    /// <summary>The number of tokens held: min(<see cref="Seen"/>, S + W).</summary>
    public int Length => (int)Math.Min(Seen, (long)Sinks + Window);

    /// <summary>The text position of the token at each cache place 0 .. Length − 1: the sinks, then the window oldest first.</summary>
    public int[] SourcePositions
    {
        get
        {
            int sinksHeld = Math.Min(Seen, Sinks);
            int windowStart = Math.Min(Seen, Math.Max(Sinks, Seen - Window));
            return [.. Enumerable.Range(0, sinksHeld), .. Enumerable.Range(windowStart, Seen - windowStart)];
        }
    }

    /// <summary>The held keys [B, H_kv, Length, d] in cache order, as appended (unrotated).</summary>
    public Tensor Keys => Gather(keys, HeadDim);

    /// <summary>The held values [B, H_kv, Length, d_v] in cache order.</summary>
    public Tensor Values => Gather(values, ValueDim);

    /// <summary>
    /// Appends T ≥ 1 tokens at text positions Seen .. Seen + T − 1, each evicting the oldest window token once the window
    /// is full. Keys go in unrotated: positions are applied by cache place when attending.
    /// </summary>
    /// <param name="Knew">New keys [B, H_kv, T, d].</param>
    /// <param name="Vnew">New values [B, H_kv, T, d_v].</param>
    public void Append(Tensor Knew, Tensor Vnew)
    {
        int T = KvCache.CheckNew(Knew, Vnew, Batch, KvHeads, HeadDim, ValueDim);
        if (Seen > int.MaxValue - T)
        {
            throw new InvalidOperationException($"appending {T} tokens after {Seen} would overflow the position counter.");
        }

        for (int t = 0; t < T; t++)
        {
            int slot = SlotOf(Seen + t);
            for (int b = 0; b < Batch; b++)
            {
                for (int h = 0; h < KvHeads; h++)
                {
                    Knew.Row(b, h, t).CopyTo(keys.AsSpan(Offset(b, h, slot, HeadDim), HeadDim));
                    Vnew.Row(b, h, t).CopyTo(values.AsSpan(Offset(b, h, slot, ValueDim), ValueDim));
                }
            }
        }

        Seen += T;
    }

    // Sink p keeps slot p; a window token at text position p ≥ S takes slot S + (p − S) mod W, over the one W earlier.
    private int SlotOf(int position) => position < Sinks ? position : Sinks + ((position - Sinks) % Window);

    private int Offset(int b, int h, int slot, int width) => ((((b * KvHeads) + h) * (Sinks + Window)) + slot) * width;

    private Tensor Gather(float[] store, int width)
    {
        int[] held = SourcePositions;
        var t = new Tensor(Batch, KvHeads, held.Length, width);
        for (int b = 0; b < Batch; b++)
        {
            for (int h = 0; h < KvHeads; h++)
            {
                for (int k = 0; k < held.Length; k++)
                {
                    store.AsSpan(Offset(b, h, SlotOf(held[k]), width), width).CopyTo(t.Row(b, h, k));
                }
            }
        }

        return t;
    }
}
