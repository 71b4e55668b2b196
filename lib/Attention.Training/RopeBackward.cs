namespace Attention.Training;

/// <summary>
/// The gradient through RoPE. Each pair is rotated by an orthogonal 2 × 2 matrix R, so the gradient is rotated back by
/// Rᵀ = R(−mθ). Rᵀ = F R F with F = diag(1, −1) (flip the sign of each pair's second dimension), so the backward pass is
/// the course's own <see cref="Rope.Apply(Tensor, int, RopeLayout, double)"/> between two sign flips: the same angles, computed once.
/// </summary>
public static class RopeBackward
{
    /// <summary>∂loss/∂X for X [B, H, N, d] given ∂loss/∂RoPE(X) = <paramref name="dRotated"/>, positions start .. start + N − 1.</summary>
    public static Tensor Apply(Tensor dRotated, int startPosition, RopeLayout layout, double theta = 10000)
    {
        ArgumentNullException.ThrowIfNull(dRotated);
        Tensor flipped = FlipSecond(dRotated.Clone(), layout);
        return FlipSecond(Rope.Apply(flipped, startPosition, layout, theta), layout);
    }

    private static Tensor FlipSecond(Tensor X, RopeLayout layout)
    {
        int d = X.Dim(-1);
        for (int row = 0; row < X.Length / d; row++)
        {
            Span<float> x = X.Data.AsSpan(row * d, d);
            for (int i = 0; i < d / 2; i++)
            {
                x[Rope.Pair(i, d, layout).B] *= -1;
            }
        }

        return X;
    }
}
