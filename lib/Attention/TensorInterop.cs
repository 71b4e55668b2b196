using System.Runtime.CompilerServices;
using Bcl = System.Numerics.Tensors;

namespace Attention;

/// <summary>
/// Moving between the course's <see cref="Tensor"/> and the BCL's <c>System.Numerics.Tensors</c> types, shape kept.
/// Course → BCL shares the course tensor's array (no copy): writes through either are seen by both. BCL → course
/// shares the array too when the BCL tensor is a dense view of a <c>float[]</c> the caller passes; from a
/// <see cref="Bcl.Tensor{T}"/> alone it is one copy, because <see cref="Bcl.Tensor{T}"/> does not expose its array.
/// </summary>
public static class TensorInterop
{
    /// <summary>The course tensor as a BCL <see cref="Bcl.Tensor{T}"/> over the same array (no copy).</summary>
    /// <param name="tensor">Any course tensor; its shape becomes the lengths, its row-major strides the strides.</param>
    public static Bcl.Tensor<float> AsBclTensor(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Bcl.Tensor.Create(tensor.Data, Lengths(tensor));
    }

    /// <summary>The course tensor as a BCL <see cref="Bcl.TensorSpan{T}"/> over the same array (no copy).</summary>
    /// <param name="tensor">Any course tensor.</param>
    public static Bcl.TensorSpan<float> AsTensorSpan(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new Bcl.TensorSpan<float>(tensor.Data, Lengths(tensor));
    }

    /// <summary>
    /// A course tensor over <paramref name="data"/> (no copy), after checking that <paramref name="view"/> is a dense,
    /// row-major view of exactly that array, e.g. one made by <c>Tensor.Create(data, lengths)</c>.
    /// </summary>
    /// <param name="view">A BCL tensor over <paramref name="data"/>.</param>
    /// <param name="data">The array <paramref name="view"/> was created over.</param>
    public static Tensor ToCourseTensor(this Bcl.Tensor<float> view, float[] data)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(data);
        var shape = Shape(view.Lengths, nameof(view));
        if (view.FlattenedLength != data.Length || !view.IsDense || !RowMajor(view.Lengths, view.Strides)
            || data.Length > 0 && !Unsafe.AreSame(ref view.GetPinnableReference(), ref data[0]))
            throw new ArgumentException(
                $"view must be a dense row-major view of data ({data.Length} elements); got lengths {Shapes.Format(shape)}, " +
                $"strides [{string.Join(", ", view.Strides.ToArray())}] over other memory. Use ToCourseTensor(view) to copy.", nameof(view));
        return new Tensor(data, shape);
    }

    /// <summary>A course tensor holding a row-major copy of <paramref name="view"/> (any strides).</summary>
    /// <param name="view">Any BCL tensor span of float.</param>
    public static Tensor ToCourseTensor(this Bcl.ReadOnlyTensorSpan<float> view)
    {
        var shape = Shape(view.Lengths, nameof(view));
        var data = new float[view.FlattenedLength];
        view.FlattenTo(data);
        return new Tensor(data, shape);
    }

    /// <summary>A course tensor holding a row-major copy of <paramref name="tensor"/> (any strides).</summary>
    /// <param name="tensor">Any BCL tensor of float.</param>
    public static Tensor ToCourseTensor(this Bcl.Tensor<float> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.AsReadOnlyTensorSpan().ToCourseTensor();
    }

    private static nint[] Lengths(Tensor tensor) => Array.ConvertAll(tensor.Shape, d => (nint)d);

    private static int[] Shape(ReadOnlySpan<nint> lengths, string argument)
    {
        var shape = new int[lengths.Length];
        for (var axis = 0; axis < shape.Length; axis++)
            shape[axis] = lengths[axis] <= int.MaxValue ? (int)lengths[axis]
                : throw new ArgumentException($"{argument}: axis {axis} has length {lengths[axis]}, more than a course tensor holds.", argument);
        return shape;
    }

    private static bool RowMajor(ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides)
    {
        nint stride = 1;
        for (var axis = lengths.Length - 1; axis >= 0; axis--)
        {
            if (lengths[axis] > 1 && strides[axis] != stride)
                return false;
            stride *= lengths[axis];
        }
        return true;
    }
}
