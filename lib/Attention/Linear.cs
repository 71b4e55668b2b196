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
        int dOut = W.Dim(1);
        if (b is not null)
        {
            Shapes.Require(b, nameof(b), "[dOut]", dOut);
        }

        int rows = dIn == 0 ? 0 : X.Length / dIn;
        int[] outShape = X.Shape;
        outShape[^1] = dOut;
        var Y = new Tensor(outShape);
        if (rows == 0 || dOut == 0)
        {
            return Y;
        }

        Gemm.Multiply(X.Data, W.Data, Y.Data, rows, dIn, dOut);
        if (b is not null)
        {
            for (int r = 0; r < rows; r++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(Y.Data.AsSpan(r * dOut, dOut), b.Data, Y.Data.AsSpan(r * dOut, dOut));
            }
        }

        return Y;
    }
}
