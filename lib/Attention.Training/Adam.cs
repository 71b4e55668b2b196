using Attention.Models;

namespace Attention.Training;

/// <summary>
/// Adam with decoupled weight decay (AdamW; Kingma &amp; Ba 2015, Loshchilov &amp; Hutter 2019), one update per call:
/// <code>
/// m ← β₁ m + (1 − β₁) g            v ← β₂ v + (1 − β₂) g²
/// m̂ = m / (1 − β₁ᵗ)                v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − lr · (m̂ / (√v̂ + ε) + λ θ)
/// </code>
/// No randomness: the same gradients give the same weights, bit for bit.
/// </summary>
public sealed class Adam
{
    private readonly DecoderWeights m;
    private readonly DecoderWeights v;

    /// <summary>An optimizer for <paramref name="parameters"/>, updated in place by <see cref="Step"/>.</summary>
    public Adam(DecoderWeights parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || !(beta1 is >= 0 and < 1) || !(beta2 is >= 0 and < 1) || !(epsilon > 0) || !(weightDecay >= 0))
        {
            throw new ArgumentException($"Adam needs lr > 0, 0 ≤ β₁, β₂ < 1, ε > 0, λ ≥ 0; got lr {learningRate}, β₁ {beta1}, β₂ {beta2}, ε {epsilon}, λ {weightDecay}.");
        }

        Parameters = parameters;
        (LearningRate, Beta1, Beta2, Epsilon, WeightDecay) = (learningRate, beta1, beta2, epsilon, weightDecay);
        m = DecoderWeights.Zeros(parameters.Config);
        v = DecoderWeights.Zeros(parameters.Config);
    }

    /// <summary>The weights being trained.</summary>
    public DecoderWeights Parameters { get; }

    /// <summary>lr, the step size; may be changed between steps (a schedule).</summary>
    public double LearningRate { get; set; }

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public double Epsilon { get; }

    /// <summary>λ, the decoupled weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>t, the number of steps taken.</summary>
    public int Steps { get; private set; }

    /// <summary>One update of every parameter from its gradient.</summary>
    public void Step(DecoderWeights gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Config != Parameters.Config)
        {
            throw new ArgumentException($"gradients have config {gradients.Config}; the parameters have {Parameters.Config}.", nameof(gradients));
        }

        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps), correction2 = 1 - Math.Pow(Beta2, Steps);
        var theta = Parameters.Parameters();
        var g = gradients.Parameters();
        var mt = m.Parameters();
        var vt = v.Parameters();
        for (int p = 0; p < theta.Count; p++)
        {
            float[] w = theta[p].Value.Data, grad = g[p].Value.Data, m1 = mt[p].Value.Data, m2 = vt[p].Value.Data;
            for (int k = 0; k < w.Length; k++)
            {
                m1[k] = (float)((Beta1 * m1[k]) + ((1 - Beta1) * grad[k]));
                m2[k] = (float)((Beta2 * m2[k]) + ((1 - Beta2) * grad[k] * grad[k]));
                double update = (m1[k] / correction1 / (Math.Sqrt(m2[k] / correction2) + Epsilon)) + (WeightDecay * w[k]);
                w[k] = (float)(w[k] - (LearningRate * update));
            }
        }
    }
}
