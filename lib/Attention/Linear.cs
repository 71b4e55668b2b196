
namespace Attention;

/// <summary>
/// A learned linear map applied to row vectors, the way the formulas write it: Y = X W + b, with
/// X [..., dIn], W [dIn, dOut], b [dOut] and Y [..., dOut]. Every projection of the course (W_Q, W_K, W_V, W_O) is one.
/// </summary>
public static class Linear
{
    /// <summary>Y = X W (+ b) over the last axis of <paramref name="X"/>.</summary>
    public static Tensor Forward(Tensor X, Tensor W, Tensor? b = null)
    {
        ArgumentNullException.ThrowIfNull(X);
        if (X.Rank < 1)
        {
            throw new ArgumentException($"X must have at least one axis; got {X.ShapeText}.", nameof(X));
        }

        int dIn = X.Dim(-1);
        Shapes.Require(W, nameof(W), "[dIn, dOut]", dIn, Shapes.Any);
        int rows = dIn == 0 ? 0 : X.Length / dIn;
        int[] outShape = X.Shape;
        outShape[^1] = W.Dim(1);
        var Y = new Tensor(outShape);
        Forward(X.Data, rows, W, b, Y.Data);
        return Y;
    }

    /// <summary>
    /// Y = X W (+ b) for the first <paramref name="rows"/> rows of <paramref name="X"/> [rows, dIn] into
    /// <paramref name="Y"/> [rows, dOut]; the arrays may be longer (rented buffers for intermediates nobody keeps).
    /// </summary>
    /// <exception cref="ArgumentException">W is not [dIn, dOut], b not [dOut], or an array is shorter than its shape.</exception>
    public static void Forward(float[] X, int rows, Tensor W, Tensor? b, float[] Y)
    {
        ArgumentNullException.ThrowIfNull(X);
        ArgumentNullException.ThrowIfNull(Y);
        Shapes.Require(W, nameof(W), "[dIn, dOut]", Shapes.Any, Shapes.Any);
        int dIn = W.Dim(0), dOut = W.Dim(1);
        if (b is not null)
        {
            Shapes.Require(b, nameof(b), "[dOut]", dOut);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (X.Length < (long)rows * dIn || Y.Length < (long)rows * dOut)
        {
            (string name, int length, int width) = X.Length < (long)rows * dIn ? (nameof(X), X.Length, dIn) : (nameof(Y), Y.Length, dOut);
            throw new ArgumentException($"{name} must hold [rows, {width}] = [{rows}, {width}]; it has {length} floats.", name);
        }

        if (rows == 0 || dOut == 0)
        {
            return;
        }

        Gemm.Multiply(X, W.Data, Y, rows, dIn, dOut);
        if (b is not null)
        {
            for (int r = 0; r < rows; r++)
            {
                RowMath.Add(Y.AsSpan(r * dOut, dOut), b.Data, Y.AsSpan(r * dOut, dOut));
            }
        }
    }
}
