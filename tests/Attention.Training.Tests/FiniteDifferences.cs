namespace Attention.Training.Tests;

/// <summary>
/// Central finite differences, (f(θ + ε) − f(θ − ε)) / 2ε, for checking an analytic gradient entry by entry.
/// The functions are float32 code, so ε is large (1e-2) and the tolerance allows for float rounding; a wrong
/// gradient (a missing term, a transpose, a sign) is off by far more (each test's own break shows it).
/// </summary>
internal static class FiniteDifferences
{
    public const double Epsilon = 1e-2;

    /// <summary>Checks <paramref name="analytic"/> = ∂f/∂<paramref name="parameter"/> at <paramref name="samples"/> random entries (all if fewer).</summary>
    public static void Check(string name, Func<double> f, Tensor parameter, Tensor analytic, int seed, int samples = 12)
    {
        Assert.Equal(parameter.Length, analytic.Length);
        var rng = new Random(seed);
        var entries = parameter.Length <= samples
            ? Enumerable.Range(0, parameter.Length)
            : Enumerable.Range(0, samples).Select(_ => rng.Next(parameter.Length));
        foreach (int k in entries)
        {
            float original = parameter.Data[k];
            parameter.Data[k] = original + (float)Epsilon;
            double plus = f();
            parameter.Data[k] = original - (float)Epsilon;
            double minus = f();
            parameter.Data[k] = original;
            double numeric = (plus - minus) / (2 * Epsilon);
            double tolerance = 2e-3 + (2e-2 * Math.Abs(numeric));
            Assert.True(
                Math.Abs(numeric - analytic.Data[k]) <= tolerance,
                $"{name}[{k}]: analytic {analytic.Data[k]:G6}, finite difference {numeric:G6} (|Δ| {Math.Abs(numeric - analytic.Data[k]):G3} > {tolerance:G3})");
        }
    }

    /// <summary>Σ (A ⊙ R) in float64: a scalar whose gradient with respect to A is R.</summary>
    public static double Dot(Tensor A, Tensor R)
    {
        double sum = 0;
        for (int k = 0; k < A.Length; k++)
        {
            sum += (double)A.Data[k] * R.Data[k];
        }

        return sum;
    }
}
