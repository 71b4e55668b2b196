
namespace Attention;

/// <summary>
/// The online softmax state of one row of logits (Milakov &amp; Gimelshein 2018): the running maximum m and the
/// running sum ℓ = Σ exp(x − m) over every logit seen so far. Logits arrive one at a time or a block at a time;
/// after the whole row, m = max_j x_j and ℓ = Σ_j exp(x_j − m), so softmax_j = exp(x_j − m) / ℓ and the
/// log-sum-exp is m + log ℓ — without ever holding the row in memory. One step with a block x₁..x_B is
/// <code>
/// m_new = max(m, max_k x_k)
/// ℓ_new = ℓ · e^(m − m_new) + Σ_k e^(x_k − m_new)
/// </code>
/// and e^(m − m_new) is the factor by which anything accumulated against the old maximum (FlashAttention's
/// unnormalised output row) must be rescaled. Logits equal to −∞ are hidden keys: they leave ℓ unchanged.
/// Before any finite logit, m = −∞ and ℓ = 0.
/// </summary>
public sealed class OnlineSoftmax
{
    /// <summary>The running maximum m of the logits seen so far (−∞ before any finite logit).</summary>
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>The running sum ℓ = Σ exp(x − m) over the logits seen so far (0 before any finite logit).</summary>
    public double Sum { get; private set; }

    /// <summary>log Σ exp(x) = m + log ℓ over the logits seen so far; −∞ when no finite logit has arrived.</summary>
    public double LogSumExp => Sum == 0 ? double.NegativeInfinity : Max + Math.Log(Sum);

    /// <summary>
    /// Takes one more logit <paramref name="logit"/> and returns the rescale factor e^(m_old − m_new) (1 while no
    /// finite logit has arrived, since nothing has been accumulated yet).
    /// </summary>
    /// <exception cref="ArgumentException">The logit is NaN or +∞.</exception>
    public double Update(float logit)
    {
        RequireUsable(logit, nameof(logit));
        double mOld = Max, mNew = Math.Max(mOld, logit);
        if (double.IsNegativeInfinity(mNew))
        {
            return 1.0;
        }

        double rescale = Math.Exp(mOld - mNew);
        Sum = (Sum * rescale) + Math.Exp(logit - mNew);
        Max = mNew;
        return rescale;
    }

    /// <summary>Takes a block of logits and returns the rescale factor e^(m_old − m_new).</summary>
    /// <param name="blockLogits">The next logits of the row, any length (empty changes nothing).</param>
    /// <exception cref="ArgumentException">A logit is NaN or +∞.</exception>
    public double Update(ReadOnlySpan<float> blockLogits) => Update(blockLogits, []);

    /// <summary>
    /// Takes a block of logits, returns the rescale factor e^(m_old − m_new) and, when
    /// <paramref name="probabilities"/> is not empty, writes p_k = e^(x_k − m_new) into it: the unnormalised
    /// weights FlashAttention multiplies by the block of V.
    /// </summary>
    /// <param name="blockLogits">The next logits of the row.</param>
    /// <param name="probabilities">Empty, or a span of the same length as <paramref name="blockLogits"/> (may be the same memory).</param>
    /// <exception cref="ArgumentException">A logit is NaN or +∞, or the spans differ in length.</exception>
    public double Update(ReadOnlySpan<float> blockLogits, Span<float> probabilities)
    {
        if (!probabilities.IsEmpty && probabilities.Length != blockLogits.Length)
        {
            throw new ArgumentException(
                $"probabilities must be empty or have length {blockLogits.Length} like blockLogits; got {probabilities.Length}.",
                nameof(probabilities));
        }

        if (blockLogits.IsEmpty)
        {
            return 1.0;
        }

        float blockMax = RowMath.Max(blockLogits);
        RequireUsable(blockMax, nameof(blockLogits));
        double mOld = Max, mNew = Math.Max(mOld, blockMax);
        if (double.IsNegativeInfinity(mNew))
        {
            probabilities.Clear();
            return 1.0;
        }

        // Exponentials in float32 like the kernel; the running sum stays in float64 so long rows do not drift.
        Span<float> p = probabilities.IsEmpty ? new float[blockLogits.Length] : probabilities;
        float blockSum = RowMath.ExpShifted(blockLogits, (float)mNew, p);
        double rescale = Math.Exp(mOld - mNew);
        Sum = (Sum * rescale) + blockSum;
        Max = mNew;
        return rescale;
    }

    /// <summary>
    /// One pure online-softmax step: the state (m, ℓ) after the block <paramref name="blockLogits"/>, starting
    /// from (<paramref name="m"/>, <paramref name="l"/>). Start a row with (−∞, 0).
    /// </summary>
    /// <exception cref="ArgumentException">A logit is NaN or +∞, or (m, l) is not a valid state.</exception>
    public static (double m, double l) Step(double m, double l, ReadOnlySpan<float> blockLogits)
    {
        if (double.IsNaN(m) || double.IsPositiveInfinity(m))
        {
            throw new ArgumentOutOfRangeException(nameof(m), m, "m must be finite or −∞.");
        }

        if (!double.IsFinite(l) || l < 0 || (l == 0) != double.IsNegativeInfinity(m))
        {
            throw new ArgumentOutOfRangeException(nameof(l), l, "l must be finite and ≥ 0, and 0 exactly when m = −∞.");
        }

        var state = new OnlineSoftmax { Max = m, Sum = l };
        state.Update(blockLogits);
        return (state.Max, state.Sum);
    }

    private static void RequireUsable(float logit, string argument)
    {
        if (float.IsNaN(logit) || float.IsPositiveInfinity(logit))
        {
            throw new ArgumentException($"{argument} contains {logit}; logits must be finite or −∞ (a hidden key).", argument);
        }
    }
}
