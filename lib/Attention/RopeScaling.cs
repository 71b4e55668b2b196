namespace Attention;

/// <summary>
/// Reading a RoPE model past the context it was trained on, by changing its frequencies instead of its weights.
/// A model trained on L_train tokens has only seen the angles n·θ_i for n &lt; L_train; each method keeps the angles of a
/// longer input L_target = s · L_train (s = <c>factor</c> ≥ 1) inside, or near, what it has seen:
/// <list type="bullet">
/// <item><see cref="Interpolated"/> (position interpolation, Chen et al. 2023): every θ_i divided by s, so position n
/// turns like position n/s did. Exact squeezing, but neighbouring tokens now differ by a fraction of a trained step.</item>
/// <item><see cref="NtkAware"/> (bloc97, 2023): a larger base, base · s^(d/(d−2)): the fastest pair keeps its θ_0 = 1,
/// the slowest is divided by exactly s, the ones between by less.</item>
/// <item><see cref="Yarn"/> (Peng et al. 2023): per pair by its wavelength λ_i = 2π/θ_i against L_train: pairs that turn
/// many times within the trained context (L_train/λ_i &gt; β) are kept, pairs that never completed a turn (&lt; α) are
/// interpolated, and a linear ramp between; attention logits are also scaled by <see cref="YarnAttentionFactor"/>.</item>
/// </list>
/// Each returns double[d/2] for <see cref="Rope.Apply(Tensor, int[], RopeLayout, double[])"/>.
/// </summary>
public static class RopeScaling
{
    /// <summary>Position interpolation: θ_i / s.</summary>
    public static double[] Interpolated(int headDim, double factor, double theta = 10000)
    {
        CheckFactor(factor);
        return [.. Base(headDim, theta).Select(f => f / factor)];
    }

    /// <summary>NTK-aware scaling: the frequencies of base · s^(d/(d−2)).</summary>
    public static double[] NtkAware(int headDim, double factor, double theta = 10000)
    {
        CheckFactor(factor);
        double scaledBase = theta * Math.Pow(factor, headDim / (headDim - 2.0));
        return Base(headDim, headDim == 2 ? theta : scaledBase);
    }

    /// <summary>
    /// YaRN's frequencies ("NTK-by-parts"): θ_i' = (1 − γ_i) θ_i / s + γ_i θ_i with γ_i = clamp((L_train/λ_i − α)/(β − α), 0, 1).
    /// </summary>
    /// <param name="headDim">d, even.</param>
    /// <param name="factor">s = L_target / L_train ≥ 1.</param>
    /// <param name="trainedContext">L_train, the context the model was trained on.</param>
    /// <param name="theta">The model's RoPE base.</param>
    /// <param name="alpha">Below α turns within L_train a pair is interpolated (1 for Llama in the paper).</param>
    /// <param name="beta">Above β turns it is kept (32 for Llama).</param>
    public static double[] Yarn(int headDim, double factor, int trainedContext, double theta = 10000, double alpha = 1, double beta = 32)
    {
        CheckFactor(factor);
        Shapes.RequirePositive(trainedContext, nameof(trainedContext));
        if (!(alpha >= 0 && beta > alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"need 0 ≤ alpha < beta; got alpha = {alpha}, beta = {beta}.");
        }

        return [.. Base(headDim, theta).Select(f =>
        {
            double turns = trainedContext * f / (2 * Math.PI);
            double gamma = Math.Clamp((turns - alpha) / (beta - alpha), 0, 1);
            return ((1 - gamma) * f / factor) + (gamma * f);
        })];
    }

    /// <summary>YaRN's attention temperature: logits multiplied by (0.1 ln s + 1)² (the paper's √(1/t) = 0.1 ln s + 1 on q and k).</summary>
    public static double YarnAttentionFactor(double factor)
    {
        CheckFactor(factor);
        double perVector = (0.1 * Math.Log(factor)) + 1;
        return perVector * perVector;
    }

    private static double[] Base(int headDim, double theta)
    {
        Rope.CheckParameters(headDim, theta);
        return Rope.FrequenciesExact(headDim, theta);
    }

    private static void CheckFactor(double factor)
    {
        if (!double.IsFinite(factor) || factor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor = L_target / L_train must be finite and at least 1.");
        }
    }
}
