using System.Numerics.Tensors;

namespace Attention;

/// <summary>
/// The math surface of <see cref="Tensor"/>, named as the formulas write it: <c>Q.MatMul(K.Transpose())</c> for
/// Q Kᵀ, <c>x + attention</c> for a residual, <c>scores * scale</c>, one head of a [B, H, N, d] tensor, and the largest
/// gap between two results. They read like the math: every result is a new tensor, and every entry point checks shapes
/// and names them in its error; the products run through <see cref="Gemm"/>, whose every element is the in-order sum.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Elementwise a + b; both of one shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ (the message names both).</exception>
    public static Tensor operator +(Tensor a, Tensor b)
    {
        RequireSameShape(a, b, "+");
        var sum = new Tensor(a.shape);
        TensorPrimitives.Add(a.Data, b.Data, sum.Data);
        return sum;
    }

    /// <summary>Elementwise a − b; both of one shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ (the message names both).</exception>
    public static Tensor operator -(Tensor a, Tensor b)
    {
        RequireSameShape(a, b, "-");
        var difference = new Tensor(a.shape);
        TensorPrimitives.Subtract(a.Data, b.Data, difference.Data);
        return difference;
    }

    /// <summary>Every element times the scalar <paramref name="s"/>.</summary>
    public static Tensor operator *(Tensor t, float s)
    {
        ArgumentNullException.ThrowIfNull(t);
        var scaled = new Tensor(t.shape);
        TensorPrimitives.Multiply(t.Data, s, scaled.Data);
        return scaled;
    }

    /// <summary>Every element times the scalar <paramref name="s"/>.</summary>
    public static Tensor operator *(float s, Tensor t) => t * s;

    /// <summary>
    /// The matrix product over the last two axes, batched over the leading ones: this [..., m, k] times
    /// <paramref name="other"/> [..., k, n] is [..., m, n]. <paramref name="other"/> has the same leading axes, or is a
    /// plain [k, n] matrix applied to every batch (x W).
    /// </summary>
    /// <exception cref="ArgumentException">A rank below 2, inner sizes that differ, or leading axes that differ.</exception>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank < 2 || other.Rank < 2)
        {
            throw new ArgumentException($"MatMul needs rank ≥ 2 on both sides; got {ShapeText} and {other.ShapeText}.", nameof(other));
        }

        int m = Dim(-2), k = Dim(-1), n = other.Dim(-1);
        bool sharedMatrix = other.Rank == 2;
        if (other.Dim(-2) != k || (!sharedMatrix && !shape.AsSpan(0, Rank - 2).SequenceEqual(other.shape.AsSpan(0, other.Rank - 2))))
        {
            string expected = sharedMatrix ? $"[{k}, n]" : Shapes.Format([.. shape[..^2], k]).TrimEnd(']') + ", n]";
            throw new ArgumentException($"other must be {expected} to multiply {ShapeText}; got {other.ShapeText}.", nameof(other));
        }

        int batches = Count(shape[..^2]);

        var product = new Tensor([.. shape[..^2], m, n]);
        for (int b = 0; b < batches; b++)
        {
            ReadOnlySpan<float> left = Data.AsSpan(b * m * k, m * k);
            ReadOnlySpan<float> right = sharedMatrix ? other.Data : other.Data.AsSpan(b * k * n, k * n);
            Gemm.Multiply(left, right, product.Data.AsSpan(b * m * n, m * n), m, k, n);
        }

        return product;
    }

    /// <summary>
    /// A copy with the last two axes swapped: [..., m, n] becomes [..., n, m], so <c>K.Transpose()</c> is Kᵀ in Q Kᵀ.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor has rank below 2.</exception>
    public Tensor Transpose()
    {
        if (Rank < 2)
        {
            throw new InvalidOperationException($"Transpose swaps the last two axes; tensor {ShapeText} has {Rank}.");
        }

        int m = Dim(-2), n = Dim(-1);
        var transposed = new Tensor([.. shape[..^2], n, m]);
        for (int b = 0, batches = Count(shape[..^2]); b < batches; b++)
        {
            Transpose(Data.AsSpan(b * m * n, m * n), transposed.Data.AsSpan(b * m * n, m * n), m, n);
        }

        return transposed;
    }

    /// <summary>Writes the transpose [n, m] of the row-major matrix <paramref name="source"/> [m, n] into <paramref name="destination"/>.</summary>
    // Optimised at first call, like Gemm's kernels: a notebook's first forward passes would otherwise run it unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int m, int n)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                destination[(j * m) + i] = source[(i * n) + j];
            }
        }
    }

    /// <summary>
    /// <paramref name="a"/> and <paramref name="b"/> joined along <paramref name="axis"/> (negative counts from the end), as
    /// <c>torch.cat([a, b], dim=axis)</c>: every other axis must agree. [B, H, S1, d] and [B, H, S2, d] along −2 give
    /// [B, H, S1 + S2, d] (a cache growing by new tokens); along −1, features side by side.
    /// </summary>
    /// <exception cref="ArgumentException">Ranks differ, the axis is outside them, or another axis differs (both shapes named).</exception>
    public static Tensor Concat(Tensor a, Tensor b, int axis)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int k = axis < 0 ? a.Rank + axis : axis;
        bool same = a.Rank == b.Rank && k >= 0 && k < a.Rank;
        for (int i = 0; same && i < a.Rank; i++)
        {
            same = i == k || a.shape[i] == b.shape[i];
        }

        if (!same)
        {
            throw new ArgumentException($"Concat along axis {axis} needs equal ranks and equal sizes on every other axis; got {a.ShapeText} and {b.ShapeText}.", nameof(b));
        }

        int[] joinedShape = a.Shape;
        joinedShape[k] += b.shape[k];
        var joined = new Tensor(joinedShape);

        // Below the axis the data are contiguous runs: one run of a, then one of b, per index of the axes before it.
        int inner = Count(a.shape[(k + 1)..]), runA = a.shape[k] * inner, runB = b.shape[k] * inner;
        for (int outer = 0, count = Count(a.shape[..k]); outer < count; outer++)
        {
            Array.Copy(a.Data, outer * runA, joined.Data, outer * (runA + runB), runA);
            Array.Copy(b.Data, outer * runB, joined.Data, (outer * (runA + runB)) + runA, runB);
        }

        return joined;
    }

    /// <summary>
    /// Head <paramref name="h"/> of batch row <paramref name="b"/> of a [B, H, N, d] tensor, as its own [N, d] tensor
    /// (a copy: the course's tensors own their whole array). Use <see cref="HeadSpan"/> to read or write in place.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not of rank 4.</exception>
    public Tensor Head(int b, int h)
    {
        Span<float> block = HeadSpan(b, h);
        return new Tensor(block.ToArray(), shape[2], shape[3]);
    }

    /// <summary>The [N, d] block of head <paramref name="h"/>, batch row <paramref name="b"/>, of a [B, H, N, d] tensor, in place.</summary>
    /// <exception cref="ArgumentException">The tensor is not of rank 4.</exception>
    /// <exception cref="IndexOutOfRangeException"><paramref name="b"/> or <paramref name="h"/> is outside the tensor.</exception>
    public Span<float> HeadSpan(int b, int h)
    {
        if (Rank != 4)
        {
            throw new ArgumentException($"a head is read from a [B, H, N, d] tensor; this one is {ShapeText}.", nameof(h));
        }

        if ((uint)b >= (uint)shape[0] || (uint)h >= (uint)shape[1])
        {
            throw new IndexOutOfRangeException($"head (b = {b}, h = {h}) is outside tensor {ShapeText}.");
        }

        return Data.AsSpan((b * shape[1] + h) * shape[2] * shape[3], shape[2] * shape[3]);
    }

    /// <summary>
    /// max |a − b| over all elements, in float64: the gap the course's checks report. Both of one shape; 0 for empty
    /// tensors; NaN when either holds a NaN.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ (the message names both).</exception>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        RequireSameShape(a, b, nameof(MaxAbsDiff));
        double gap = 0;
        for (int k = 0; k < a.Length; k++)
        {
            double d = Math.Abs((double)a.Data[k] - b.Data[k]);
            if (double.IsNaN(d))
            {
                return double.NaN;
            }

            gap = Math.Max(gap, d);
        }

        return gap;
    }

    private static void RequireSameShape(Tensor a, Tensor b, string operation)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.shape.AsSpan().SequenceEqual(b.shape))
        {
            throw new ArgumentException($"{operation} needs two tensors of one shape; got {a.ShapeText} and {b.ShapeText}.", nameof(b));
        }
    }
}
