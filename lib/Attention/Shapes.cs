namespace Attention;

/// <summary>
/// Shape checks for every public entry point. A failed check throws an <see cref="ArgumentException"/>
/// whose message names the argument, the expected shape (with axis names) and the actual one.
/// </summary>
public static class Shapes
{
    /// <summary>Marks an axis whose size is not constrained in <see cref="Require"/>.</summary>
    public const int Any = -1;

    /// <summary>Formats a shape as [2, 4, 8].</summary>
    public static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>
    /// Requires <paramref name="tensor"/> to have rank <c>expected.Length</c> and each size equal to
    /// <paramref name="expected"/> (or <see cref="Any"/>), e.g.
    /// <c>Require(K, nameof(K), "[batch, kvHeads, keys, headDim]", B, Any, Any, headDim)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Naming the argument, the expected shape and the actual one.</exception>
    public static void Require(Tensor? tensor, string argument, string axes, params int[] expected)
    {
        if (tensor is null)
        {
            throw new ArgumentNullException(argument, $"{argument} must be a tensor of shape {axes}.");
        }

        bool ok = tensor.Rank == expected.Length;
        for (int axis = 0; ok && axis < expected.Length; axis++)
        {
            ok = expected[axis] == Any || expected[axis] == tensor.Dim(axis);
        }

        if (!ok)
        {
            string wanted = "[" + string.Join(", ", expected.Select(e => e == Any ? "*" : e.ToString())) + "]";
            throw new ArgumentException(
                $"{argument} must have shape {axes} = {wanted}; got {tensor.ShapeText}.", argument);
        }
    }

    /// <summary>Requires every axis of <paramref name="tensor"/> to be non-empty.</summary>
    public static void RequireNonEmpty(Tensor tensor, string argument, string axes)
    {
        for (int axis = 0; axis < tensor.Rank; axis++)
        {
            if (tensor.Dim(axis) == 0)
            {
                throw new ArgumentException(
                    $"{argument} {axes} = {tensor.ShapeText} has an empty axis {axis}; attention needs at least one element per axis.",
                    argument);
            }
        }
    }

    /// <summary>Requires every element to be finite (no NaN, no ±∞): such inputs would poison every output they touch.</summary>
    public static void RequireFinite(Tensor tensor, string argument)
    {
        // One vectorised pass (the largest magnitude is NaN or ∞ exactly when some value is); the index only on failure.
        if (tensor.Length == 0 || float.IsFinite(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude<float>(tensor.Data)))
        {
            return;
        }

        int index = Array.FindIndex(tensor.Data, v => !float.IsFinite(v));
        if (index >= 0)
        {
            throw new ArgumentException(
                $"{argument} has a non-finite value {tensor.Data[index]} at flat index {index} (shape {tensor.ShapeText}).",
                argument);
        }
    }

    /// <summary>Requires a positive integer parameter such as a head count or block size.</summary>
    public static void RequirePositive(int value, string argument)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be at least 1; got {value}.");
        }
    }
}
