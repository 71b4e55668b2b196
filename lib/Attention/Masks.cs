namespace Attention;

/// <summary>Where the causal diagonal sits when there are fewer queries (L) than keys (S).</summary>
public enum CausalAlignment
{
    /// <summary>Query i sees keys 0..i (PyTorch's <c>is_causal</c>): right for training and full prefill, where L = S.</summary>
    TopLeft,

    /// <summary>
    /// Query i sees keys 0..i + (S − L): the L queries are the <em>last</em> L positions of the key sequence,
    /// as in decode against a KV cache and chunked prefill.
    /// </summary>
    BottomRight,
}

/// <summary>
/// A boolean attention mask, <c>true</c> = the query may attend to the key (PyTorch SDPA convention; the
/// opposite of <c>nn.MultiheadAttention</c>'s <c>key_padding_mask</c>). Its shape has rank 2 to 4 and is
/// broadcast right-aligned against [batch, heads, queries, keys]: an axis of size 1 applies to every index.
/// Masks act on logits <em>before</em> softmax (a hidden key's logit becomes −∞), so visible weights still sum to one.
/// </summary>
public sealed class Mask
{
    private readonly bool[] allowed;
    private readonly int[] shape;

    /// <summary>Wraps <paramref name="allowed"/> (row-major) as a mask of the given shape.</summary>
    public Mask(bool[] allowed, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (shape.Length is < 2 or > 4)
        {
            throw new ArgumentException(
                $"a mask has shape [queries, keys], [batch, queries, keys] or [batch, heads, queries, keys]; got rank {shape.Length}.",
                nameof(shape));
        }

        if (allowed.Length != shape.Aggregate(1, (a, b) => a * b))
        {
            throw new ArgumentException($"allowed has {allowed.Length} elements; shape {Shapes.Format(shape)} needs more or fewer.", nameof(allowed));
        }

        this.allowed = allowed;
        this.shape = (int[])shape.Clone();
    }

    /// <summary>The mask's own shape (rank 2 to 4), before broadcasting.</summary>
    public int[] Shape => (int[])shape.Clone();

    /// <summary>The number of queries (second-to-last axis).</summary>
    public int Queries => shape[^2];

    /// <summary>The number of keys (last axis).</summary>
    public int Keys => shape[^1];

    /// <summary>Whether query <paramref name="i"/> of batch <paramref name="b"/>, head <paramref name="h"/> may see key <paramref name="j"/>.</summary>
    // Inlined into the tiled kernels' pair loops (compiled optimised at first call): a call per pair ran unoptimised there.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool IsVisible(int b, int h, int i, int j) => allowed[Offset(b, h, i, j)];

    // Where (b, h, i, j) lives in `allowed`: the trailing axes of the index, size-1 axes broadcast.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Offset(int b, int h, int i, int j)
    {
        int rank = shape.Length, offset = 0;
        Span<int> index = [b, h, i, j];
        for (int axis = 0; axis < rank; axis++)
        {
            int size = shape[axis];
            offset = (offset * size) + (size == 1 ? 0 : index[4 - rank + axis]);
        }

        return offset;
    }

    /// <summary>Sets <paramref name="row"/>[j] = −∞ for every key j that query <paramref name="i"/> of batch
    /// <paramref name="b"/>, head <paramref name="h"/> may not see: <see cref="IsVisible"/> over a whole row at once.</summary>
    // Optimised at first call, like Gemm's kernels: a notebook's first forward passes would otherwise run it unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal void HideInRow(int b, int h, int i, Span<float> row)
    {
        int offset = Offset(b, h, i, 0);
        if (shape[^1] == 1)
        {
            if (!allowed[offset])
            {
                row.Fill(float.NegativeInfinity);
            }

            return;
        }

        ReadOnlySpan<bool> keys = allowed.AsSpan(offset, row.Length);
        for (int j = 0; j < row.Length; j++)
        {
            if (!keys[j])
            {
                row[j] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>Whether query i may see key j, for a rank-2 mask.</summary>
    public bool this[int i, int j] => IsVisible(0, 0, i, j);

    /// <summary>Every query sees every key.</summary>
    public static Mask Full(int queries, int keys) => FromPredicate(queries, keys, (_, _) => true);

    /// <summary>A [queries, keys] mask from a rule <c>visible(i, j)</c>.</summary>
    public static Mask FromPredicate(int queries, int keys, Func<int, int, bool> visible)
    {
        Shapes.RequirePositive(queries, nameof(queries));
        Shapes.RequirePositive(keys, nameof(keys));
        var allowed = new bool[queries * keys];
        for (int i = 0; i < queries; i++)
        {
            for (int j = 0; j < keys; j++)
            {
                allowed[(i * keys) + j] = visible(i, j);
            }
        }

        return new Mask(allowed, queries, keys);
    }

    /// <summary>
    /// The causal mask: query i sees key j when j ≤ i + offset, where offset = 0 for
    /// <see cref="CausalAlignment.TopLeft"/> and S − L for <see cref="CausalAlignment.BottomRight"/>.
    /// </summary>
    public static Mask Causal(int queries, int keys, CausalAlignment alignment = CausalAlignment.TopLeft)
    {
        int offset = CausalOffset(queries, keys, alignment);
        return FromPredicate(queries, keys, (i, j) => j <= i + offset);
    }

    /// <summary>The shift of the causal diagonal: 0 top-left, S − L bottom-right.</summary>
    public static int CausalOffset(int queries, int keys, CausalAlignment alignment) =>
        alignment == CausalAlignment.TopLeft ? 0 : keys - queries;

    /// <summary>
    /// The causal sliding window of <paramref name="window"/> keys <em>including the query's own position</em>:
    /// the query at absolute position p sees keys p − W + 1 .. p. Queries are aligned bottom-right
    /// (query i sits at position i + S − L), as in decode with a rolling-buffer cache.
    /// </summary>
    public static Mask SlidingWindow(int queries, int keys, int window)
    {
        Shapes.RequirePositive(window, nameof(window));
        int offset = keys - queries;
        return FromPredicate(queries, keys, (i, j) => j <= i + offset && j > i + offset - window);
    }

    /// <summary>
    /// A key-padding mask from <paramref name="isRealKey"/> [batch, keys] (true = a real token, false = padding):
    /// shape [batch, 1, 1, keys], so every head and every query of that batch row ignores the padding.
    /// </summary>
    public static Mask KeyPadding(bool[,] isRealKey)
    {
        ArgumentNullException.ThrowIfNull(isRealKey);
        int batch = isRealKey.GetLength(0), keys = isRealKey.GetLength(1);
        var allowed = new bool[batch * keys];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < keys; j++)
            {
                allowed[(b * keys) + j] = isRealKey[b, j];
            }
        }

        return new Mask(allowed, batch, 1, 1, keys);
    }

    /// <summary>The logical AND of two masks (visible only where both allow), broadcast to a common shape.</summary>
    public Mask And(Mask other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int[] a = Pad4(shape), b = Pad4(other.shape);
        var result = new int[4];
        for (int axis = 0; axis < 4; axis++)
        {
            if (a[axis] != b[axis] && a[axis] != 1 && b[axis] != 1)
            {
                throw new ArgumentException(
                    $"other has shape {Shapes.Format(other.shape)}, which does not broadcast with {Shapes.Format(shape)}.", nameof(other));
            }

            result[axis] = Math.Max(a[axis], b[axis]);
        }

        var allowedBoth = new bool[result[0] * result[1] * result[2] * result[3]];
        int n = 0;
        for (int bi = 0; bi < result[0]; bi++)
        {
            for (int h = 0; h < result[1]; h++)
            {
                for (int i = 0; i < result[2]; i++)
                {
                    for (int j = 0; j < result[3]; j++)
                    {
                        allowedBoth[n++] = IsVisible(bi, h, i, j) && other.IsVisible(bi, h, i, j);
                    }
                }
            }
        }

        return new Mask(allowedBoth, result);
    }

    /// <summary>Checks that this mask broadcasts against [batch, heads, queries, keys].</summary>
    public void RequireBroadcastsTo(string argument, int batch, int heads, int queries, int keys)
    {
        int[] full = [batch, heads, queries, keys];
        int[] own = Pad4(shape);
        for (int axis = 0; axis < 4; axis++)
        {
            if (own[axis] != 1 && own[axis] != full[axis])
            {
                throw new ArgumentException(
                    $"{argument} must broadcast to [batch, heads, queries, keys] = {Shapes.Format(full)}; got {Shapes.Format(shape)}.",
                    argument);
            }
        }
    }

    /// <summary>The mask as text, one row per query: ■ visible, · hidden (rank-2 masks, or the first batch and head).</summary>
    public string ToText()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < Queries; i++)
        {
            for (int j = 0; j < Keys; j++)
            {
                sb.Append(IsVisible(0, 0, i, j) ? '■' : '·');
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static int[] Pad4(int[] s) => [.. Enumerable.Repeat(1, 4 - s.Length), .. s];
}
