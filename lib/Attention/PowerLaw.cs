namespace Attention;

/// <summary>
/// The exponent of a measured cost, as section 6.1 reads it off a log-log chart: fit cost ≈ c · N^k by least squares
/// on (log N, log cost). k ≈ 2 for the score matrix, ≈ 1 for the projections; a sum of both reads in between, moving
/// towards 2 as N grows.
/// </summary>
public static class PowerLaw
{
    /// <summary>
    /// The least-squares slope k of log(<paramref name="cost"/>) against log(<paramref name="N"/>):
    /// k = Σ (xᵢ − x̄)(yᵢ − ȳ) / Σ (xᵢ − x̄)² with xᵢ = ln Nᵢ, yᵢ = ln costᵢ. The order of the points does not matter.
    /// </summary>
    /// <param name="N">Sizes, at least two distinct, all &gt; 0.</param>
    /// <param name="cost">Measured costs (bytes, seconds, FLOPs), one per size, all &gt; 0.</param>
    /// <exception cref="ArgumentException">Lengths differ, fewer than two distinct sizes, or a value is not positive and finite.</exception>
    public static double FitExponent(IReadOnlyList<double> N, IReadOnlyList<double> cost)
    {
        ArgumentNullException.ThrowIfNull(N);
        ArgumentNullException.ThrowIfNull(cost);
        if (N.Count != cost.Count)
        {
            throw new ArgumentException($"cost must have one value per size: expected {N.Count}, got {cost.Count}.", nameof(cost));
        }

        RequirePositive(N, nameof(N));
        RequirePositive(cost, nameof(cost));
        double xMean = N.Average(Math.Log), yMean = cost.Average(Math.Log);
        double covariance = 0, variance = 0;
        for (int i = 0; i < N.Count; i++)
        {
            double dx = Math.Log(N[i]) - xMean;
            covariance += dx * (Math.Log(cost[i]) - yMean);
            variance += dx * dx;
        }

        return variance > 0
            ? covariance / variance
            : throw new ArgumentException($"N needs at least two distinct sizes; got [{string.Join(", ", N)}].", nameof(N));
    }

    private static void RequirePositive(IReadOnlyList<double> values, string name)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (!(values[i] > 0) || double.IsPositiveInfinity(values[i]))
            {
                throw new ArgumentException($"{name}[{i}] must be positive and finite; got {values[i]}.", name);
            }
        }
    }
}
