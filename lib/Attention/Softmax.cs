
namespace Attention;

/// <summary>
/// Softmax over one row of logits: weights_j = exp(s_j − m) / Σ_k exp(s_k − m), m = max_k s_k.
/// Subtracting the maximum changes nothing mathematically and keeps exp from overflowing,
/// so logits of ±1e4 give finite weights.
/// </summary>
public static class Softmax
{
    /// <summary>
    /// Writes softmax(<paramref name="logits"/>) into <paramref name="weights"/>. Entries equal to −∞ are
    /// masked keys: they get weight exactly 0. A row whose every entry is −∞ has no visible key and
    /// gets all zeros (PyTorch's current convention), not NaN. Returns the log-sum-exp of the row
    /// (−∞ for a fully masked row), which FlashAttention stores per row.
    /// </summary>
    // Optimised at first call, like Gemm's kernels: a notebook's first forward passes would otherwise run it unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float Row(ReadOnlySpan<float> logits, Span<float> weights)
    {
        if (weights.Length != logits.Length)
        {
            throw new ArgumentException(
                $"weights must have length {logits.Length} like logits; got {weights.Length}.", nameof(weights));
        }

        if (logits.Length == 0)
        {
            return float.NegativeInfinity;
        }

        float max = RowMath.Max(logits);
        if (float.IsNegativeInfinity(max))
        {
            weights.Clear();
            return float.NegativeInfinity;
        }

        float sum = RowMath.ExpShifted(logits, max, weights);   // weights_j = exp(s_j − m), sum = Σ_j
        RowMath.Divide(weights, sum);
        return max + MathF.Log(sum);
    }

    /// <summary>Softmax over the last axis of <paramref name="logits"/>, into a new tensor of the same shape.</summary>
    public static Tensor LastAxis(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var weights = new Tensor(logits.Shape);
        int n = logits.Rank == 0 ? 1 : logits.Dim(-1);
        for (int offset = 0; n > 0 && offset < logits.Length; offset += n)
        {
            Row(logits.Data.AsSpan(offset, n), weights.Data.AsSpan(offset, n));
        }

        return weights;
    }
}
