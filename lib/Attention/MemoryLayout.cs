namespace Attention;

/// <summary>
/// How a [batch, heads, seq, headDim] tensor is laid out in memory (row-major over the named axis order).
/// </summary>
public enum Layout
{
    /// <summary>[B, H, S, D]: each head's S × D block is contiguous — what per-head attention (QKᵀ, PV) reads.</summary>
    BHSD,

    /// <summary>[B, S, H, D]: each token's H · D vector is contiguous — what a projection X W produces, [B, S, H·D] reshaped.</summary>
    BSHD,
}

/// <summary>
/// Memory layout of attention tensors (section 6.2). Both layouts keep the head-dimension rows contiguous, so a dot
/// product q · k reads d consecutive floats either way. They differ in what sits next: in BHSD the next row is the
/// next token of the same head (one head's K is a dense S × D matrix, ready for a GEMM); in BSHD it is the same token's
/// next head (the projection output, no copy). Converting is a transpose of axes 1 and 2 that moves every value;
/// kernels that accept BSHD with strides skip that copy. Shapes passed here are always logical: [B, H, S, D].
/// </summary>
public static class MemoryLayout
{
    /// <summary>The physical (stored) shape of a logical [B, H, S, D] tensor: [B, H, S, D] or [B, S, H, D].</summary>
    public static int[] PhysicalShape(Layout layout, int[] shape)
    {
        RequireShape(shape);
        return layout switch
        {
            Layout.BHSD => [shape[0], shape[1], shape[2], shape[3]],
            Layout.BSHD => [shape[0], shape[2], shape[1], shape[3]],
            _ => throw UnknownLayout(layout, nameof(layout)),
        };
    }

    /// <summary>
    /// Strides in elements of the logical axes (b, h, s, d) for a logical shape [B, H, S, D]:
    /// BHSD → (H·S·D, S·D, D, 1); BSHD → (S·H·D, D, H·D, 1). The head-dimension stride is 1 in both.
    /// </summary>
    public static int[] Strides(Layout layout, int[] shape)
    {
        RequireShape(shape);
        int H = shape[1], S = shape[2], D = shape[3];
        return layout switch
        {
            Layout.BHSD => [H * S * D, S * D, D, 1],
            Layout.BSHD => [S * H * D, D, H * D, 1],
            _ => throw UnknownLayout(layout, nameof(layout)),
        };
    }

    /// <summary>The flat offset of logical element (b, h, s, d) of a logical [B, H, S, D] tensor stored in <paramref name="layout"/>.</summary>
    /// <exception cref="ArgumentException">A bad shape or layout.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index outside its axis.</exception>
    public static int Offset(Layout layout, int[] shape, int b, int h, int s, int d)
    {
        int[] strides = Strides(layout, shape);
        RequireIndex(b, shape[0], nameof(b));
        RequireIndex(h, shape[1], nameof(h));
        RequireIndex(s, shape[2], nameof(s));
        RequireIndex(d, shape[3], nameof(d));
        return (b * strides[0]) + (h * strides[1]) + (s * strides[2]) + (d * strides[3]);
    }

    /// <summary>
    /// Copies <paramref name="x"/>, stored in layout <paramref name="from"/> (physical shape [B, H, S, D] or [B, S, H, D]),
    /// into a new tensor stored in layout <paramref name="to"/>: axes 1 and 2 swapped, values moved one contiguous
    /// head-dimension row at a time (a reshape would only reinterpret them). Same layout: a copy.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not rank 4, or a layout is unknown.</exception>
    public static Tensor Convert(Tensor x, Layout from, Layout to)
    {
        Shapes.Require(x, nameof(x), from == Layout.BSHD ? "[batch, seq, heads, headDim]" : "[batch, heads, seq, headDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        int[] logical = from switch
        {
            Layout.BHSD => [x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)],
            Layout.BSHD => [x.Dim(0), x.Dim(2), x.Dim(1), x.Dim(3)],
            _ => throw UnknownLayout(from, nameof(from)),
        };
        var y = new Tensor(PhysicalShape(to, logical));
        int B = logical[0], H = logical[1], S = logical[2], D = logical[3];
        if (D == 0)
        {
            return y;
        }

        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                for (int s = 0; s < S; s++)
                {
                    x.Data.AsSpan(Offset(from, logical, b, h, s, 0), D).CopyTo(y.Data.AsSpan(Offset(to, logical, b, h, s, 0), D));
                }
            }
        }

        return y;
    }

    private static void RequireShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length != 4 || shape.Any(size => size < 0))
        {
            throw new ArgumentException($"shape must be the logical [B, H, S, D] with sizes ≥ 0; got {Shapes.Format(shape)}.", nameof(shape));
        }
    }

    private static void RequireIndex(int index, int size, string argument)
    {
        if ((uint)index >= (uint)size)
        {
            throw new ArgumentOutOfRangeException(argument, index, $"{argument} = {index} is outside 0..{size - 1}.");
        }
    }

    private static ArgumentException UnknownLayout(Layout layout, string argument) =>
        new($"Unknown layout {layout}; expected BHSD or BSHD.", argument);
}
