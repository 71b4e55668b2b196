using MathNet.Numerics.LinearAlgebra;

namespace Attention.Training;

/// <summary>
/// The gradients of Y = X W (<see cref="Linear.Forward(Tensor, Tensor, Tensor?)"/>, no bias) given dY = ∂loss/∂Y:
/// <code>
/// dX = dY Wᵀ        [rows, dIn]
/// dW = Xᵀ dY        [dIn, dOut]     (summed over every row: batch and positions)
/// </code>
/// </summary>
public static class LinearBackward
{
    /// <summary>dX = dY Wᵀ for X [..., dIn], W [dIn, dOut], dY [..., dOut]; dX has dY's leading axes.</summary>
    public static Tensor InputGradient(Tensor dY, Tensor W)
    {
        ArgumentNullException.ThrowIfNull(dY);
        Shapes.Require(W, nameof(W), "[dIn, dOut]", Shapes.Any, dY.Dim(-1));
        int dIn = W.Dim(0), dOut = W.Dim(1), rows = dY.Length / dOut;
        int[] shape = dY.Shape;
        shape[^1] = dIn;
        var dX = new Tensor(shape);

        // Column-major views of row-major storage, as in Linear.Forward: dYᵀ is [dOut, rows], Wᵀ is [dOut, dIn],
        // and dXᵀ [dIn, rows] = (Wᵀ)ᵀ dYᵀ lands in dX's row-major storage.
        var dYt = Matrix<float>.Build.Dense(dOut, rows, dY.Data);
        var Wt = Matrix<float>.Build.Dense(dOut, dIn, W.Data);
        Wt.TransposeThisAndMultiply(dYt, Matrix<float>.Build.Dense(dIn, rows, dX.Data));
        return dX;
    }

    /// <summary>dW = Xᵀ dY [dIn, dOut], summed over all rows of X [..., dIn] and dY [..., dOut].</summary>
    public static Tensor WeightGradient(Tensor X, Tensor dY)
    {
        ArgumentNullException.ThrowIfNull(X);
        ArgumentNullException.ThrowIfNull(dY);
        int dIn = X.Dim(-1), dOut = dY.Dim(-1), rows = X.Length / dIn;
        if (dY.Length / dOut != rows)
        {
            throw new ArgumentException($"dY must have one row per row of X {X.ShapeText}; got {dY.ShapeText}.", nameof(dY));
        }

        var dW = new Tensor(dIn, dOut);

        // dWᵀ [dOut, dIn] = dYᵀ X = dYᵀ (Xᵀ)ᵀ, written into dW's row-major storage.
        var dYt = Matrix<float>.Build.Dense(dOut, rows, dY.Data);
        var Xt = Matrix<float>.Build.Dense(dIn, rows, X.Data);
        dYt.TransposeAndMultiply(Xt, Matrix<float>.Build.Dense(dOut, dIn, dW.Data));
        return dW;
    }
}
