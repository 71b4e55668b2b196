using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Attention;

/// <summary>
/// A dense, row-major float32 tensor: the one container every course operation takes and returns.
/// Attention tensors are written [batch, heads, seq, headDim] (B, H, N, d) unless a method says otherwise;
/// the last axis is contiguous, so <see cref="Row(int[])"/> hands out a span over one vector.
/// </summary>
public sealed partial class Tensor
{
    private readonly int[] shape;
    private readonly int[] strides;

    /// <summary>Creates a tensor of zeros with the given shape.</summary>
    public Tensor(params int[] shape)
        : this(new float[Count(shape)], shape)
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = Count(shape);
        if (data.Length != count)
        {
            throw new ArgumentException(
                $"data has {data.Length} elements but shape {Shapes.Format(shape)} needs {count}.", nameof(data));
        }

        this.shape = (int[])shape.Clone();
        Data = data;
        strides = new int[shape.Length];
        int stride = 1;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }
    }

    /// <summary>The elements in row-major order.</summary>
    public float[] Data { get; }

    /// <summary>The size of each axis (a copy).</summary>
    public int[] Shape => (int[])shape.Clone();

    /// <summary>The number of axes.</summary>
    public int Rank => shape.Length;

    /// <summary>The number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>The size of axis <paramref name="axis"/>; negative axes count from the end.</summary>
    public int Dim(int axis) => shape[axis < 0 ? shape.Length + axis : axis];

    /// <summary>The row-major strides, in elements.</summary>
    public int[] Strides => (int[])strides.Clone();

    /// <summary>Element access by full index.</summary>
    public ref float this[params int[] index] => ref Data[Offset(index)];

    /// <summary>The shape written as [2, 4, 8].</summary>
    public string ShapeText => Shapes.Format(shape);

    /// <summary>A tensor of samples from N(0, σ²), reproducible from <paramref name="seed"/>.</summary>
    public static Tensor Random(int seed, int[] shape, double sigma = 1.0)
    {
        var values = new double[Count(shape)];
        Normal.Samples(new MersenneTwister(seed), values, 0.0, sigma);
        return new Tensor(Array.ConvertAll(values, v => (float)v), shape);
    }

    /// <summary>A tensor built from nested row arrays of equal length, shape [rows.Length, rows[0].Length].</summary>
    public static Tensor FromRows(float[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int columns = rows.Length == 0 ? 0 : rows[0].Length;
        var t = new Tensor(rows.Length, columns);
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != columns)
            {
                throw new ArgumentException($"rows[{i}] has {rows[i].Length} columns; rows[0] has {columns}.", nameof(rows));
            }

            rows[i].CopyTo(t.Data, i * columns);
        }

        return t;
    }

    /// <summary>The flat offset of a full index, checked against the shape.</summary>
    public int Offset(params int[] index)
    {
        if (index.Length != shape.Length)
        {
            throw new ArgumentException(
                $"index has {index.Length} axes; tensor {ShapeText} has {shape.Length}.", nameof(index));
        }

        int offset = 0;
        for (int axis = 0; axis < index.Length; axis++)
        {
            if ((uint)index[axis] >= (uint)shape[axis])
            {
                throw new IndexOutOfRangeException(
                    $"index {index[axis]} on axis {axis} is outside 0..{shape[axis] - 1} of tensor {ShapeText}.");
            }

            offset += index[axis] * strides[axis];
        }

        return offset;
    }

    /// <summary>
    /// The contiguous vector along the last axis at the given leading index
    /// (rank − 1 indices), e.g. <c>Q.Row(b, h, i)</c> is the query vector of token i in head h.
    /// </summary>
    public Span<float> Row(params int[] leading)
    {
        if (leading.Length != shape.Length - 1)
        {
            throw new ArgumentException(
                $"Row needs {shape.Length - 1} leading indices for tensor {ShapeText}; got {leading.Length}.", nameof(leading));
        }

        int last = shape[^1];
        int offset = 0;
        for (int axis = 0; axis < leading.Length; axis++)
        {
            if ((uint)leading[axis] >= (uint)shape[axis])
            {
                throw new IndexOutOfRangeException(
                    $"index {leading[axis]} on axis {axis} is outside 0..{shape[axis] - 1} of tensor {ShapeText}.");
            }

            offset += leading[axis] * strides[axis];
        }

        return Data.AsSpan(offset, last);
    }

    /// <summary>The same data seen with another shape of equal element count (no copy).</summary>
    public Tensor Reshape(params int[] newShape) => new(Data, newShape);

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), shape);

    /// <summary>The elements widened to float64, for references and comparisons.</summary>
    public double[] ToDoubles() => Array.ConvertAll(Data, v => (double)v);

    /// <inheritdoc />
    public override string ToString() => $"Tensor{ShapeText}";

    private static int Count(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int size in shape)
        {
            if (size < 0)
            {
                throw new ArgumentException($"shape {Shapes.Format(shape)} has a negative size.", nameof(shape));
            }

            count *= size;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"shape {Shapes.Format(shape)} has more elements than an array can hold.", nameof(shape));
            }
        }

        return (int)count;
    }
}
