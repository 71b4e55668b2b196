using System.Globalization;

namespace Course.Grading;

/// <summary>
/// The course's self-check lines: one line starting with ✓ when a claim holds and ✗ when it does not, with the measured
/// gap where there is one. Notebooks print every check through these, and the runner and the site count the lines.
/// Each method returns whether the check held, so a cell can go on from it.
/// </summary>
public static class Check
{
    /// <summary>
    /// ✓ when every element of <paramref name="actual"/> is within <paramref name="tolerance"/> of
    /// <paramref name="expected"/> (max |Δ| ≤ tolerance); the line reports max |Δ|. Tensors of different shapes fail.
    /// </summary>
    public static bool Close(Tensor actual, Tensor expected, double tolerance, string what)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            return Print(false, $"{what}: shape {actual.ShapeText}, expected {expected.ShapeText}");
        }

        return Below(Tensor.MaxAbsDiff(actual, expected), tolerance, what);
    }

    /// <summary>✓ when |<paramref name="actual"/> − <paramref name="expected"/>| ≤ <paramref name="tolerance"/>; the line reports both values.</summary>
    public static bool Close(double actual, double expected, double tolerance, string what)
    {
        double gap = Math.Abs(actual - expected);
        bool holds = gap <= tolerance;
        return Print(holds, holds
            ? $"{what} ({Number(actual)} vs {Number(expected)})"
            : $"{what}: {Number(actual)} vs {Number(expected)}, |Δ| = {Number(gap)} > {Number(tolerance)}");
    }

    /// <summary>✓ when a measured gap (an error, a difference) is at most <paramref name="tolerance"/>; the line reports it.</summary>
    public static bool Below(double gap, double tolerance, string what)
    {
        bool holds = gap <= tolerance;
        return Print(holds, holds ? $"{what} (max |Δ| = {Number(gap)})" : $"{what}: max |Δ| = {Number(gap)} > {Number(tolerance)}");
    }

    /// <summary>
    /// ✓ <paramref name="what"/> when <paramref name="condition"/> holds; otherwise ✗ followed by
    /// <paramref name="otherwise"/> (what was seen instead) or, without it, by <paramref name="what"/>.
    /// </summary>
    public static bool That(bool condition, string what, string? otherwise = null) =>
        Print(condition, condition ? what : otherwise ?? what);

    /// <summary>A number as a person writes it in a check line: 3 significant digits, exponent form below 1e-3.</summary>
    public static string Number(double value) => value switch
    {
        0 => "0",
        double.NaN => "NaN",
        _ when double.IsInfinity(value) => value > 0 ? "∞" : "−∞",
        _ when Math.Abs(value) < 1e-3 || Math.Abs(value) >= 1e6 => value.ToString("0.0E+0", CultureInfo.InvariantCulture),
        _ when value == Math.Round(value) => value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("G3", CultureInfo.InvariantCulture),
    };

    private static bool Print(bool holds, string text)
    {
        Console.WriteLine((holds ? "✓ " : "✗ ") + text);
        return holds;
    }
}
