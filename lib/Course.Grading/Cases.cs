using System.Globalization;

namespace Course.Grading;

/// <summary>
/// Builders for graded cases. Expected values are computed by the course library on fresh inputs, apart from the
/// submitted function's call (which gets its own fresh arguments, so mutating them cannot change the expectation).
/// </summary>
public static class Cases
{
    /// <summary>Default tolerance: |actual − expected| ≤ tol · (1 + |expected|), float32 arithmetic in different orders.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>A case comparing a tensor result with the library's, element by element.</summary>
    public static GradedCase Tensor(
        string name, Func<Tensor> expected, Func<object?[]> arguments, string hint, double tolerance = Tolerance) =>
        Single(name, arguments, hint, (output, _) => CompareTensors(expected(), output as Tensor, tolerance, output));

    /// <summary>A case comparing a scalar result with the library's.</summary>
    public static GradedCase Value<T>(
        string name, Func<T> expected, Func<object?[]> arguments, string hint, double tolerance = Tolerance)
        where T : IConvertible =>
        Single(name, arguments, hint, (output, _) => output is T got
            ? CompareValues(expected(), got, tolerance)
            : $"returned {Describe(output)}; expected a {typeof(T).Name}");

    /// <summary>
    /// A case comparing an array result (int[], long[], float[] or double[]) with the expected one, element by element:
    /// integers exactly, reals within <paramref name="tolerance"/>, infinities only with the same infinity.
    /// </summary>
    public static GradedCase Values<T>(
        string name, Func<T[]> expected, Func<object?[]> arguments, string hint, double tolerance = Tolerance)
        where T : IConvertible =>
        Single(name, arguments, hint, (output, _) => output is T[] got
            ? CompareArrays(expected(), got, tolerance)
            : $"returned {Describe(output)}; expected a {typeof(T).Name}[]");

    /// <summary>Null when two arrays agree in length and values, else the first difference.</summary>
    public static string? CompareArrays<T>(T[] expected, T[] actual, double tolerance)
        where T : IConvertible
    {
        if (expected.Length != actual.Length)
        {
            return $"expected {expected.Length} values, got {actual.Length}";
        }

        for (int k = 0; k < expected.Length; k++)
        {
            if (CompareValues(expected[k], actual[k], tolerance) is { } difference)
            {
                return $"at [{k}]: {difference}";
            }
        }

        return null;
    }

    /// <summary>
    /// A property case on a tensor result: the shape must be <paramref name="shape"/> first (an empty or misshapen tensor
    /// satisfies most properties vacuously), then <paramref name="property"/> returns null when it holds, else why not.
    /// </summary>
    public static GradedCase Property(string name, Func<object?[]> arguments, int[] shape, Func<Tensor, string?> property, string hint) =>
        Single(name, arguments, hint, (output, _) => output is not Tensor got ? $"returned {Describe(output)}; expected a Tensor"
            : !got.Shape.SequenceEqual(shape) ? $"shape {got.ShapeText}, expected {Shapes.Format(shape)}"
            : property(got));

    /// <summary>
    /// A case of one call whose result <paramref name="check"/> judges (null = pass), given the result and the
    /// arguments as they were after the call next to fresh copies of them.
    /// </summary>
    public static GradedCase Single(string name, Func<object?[]> arguments, string hint,
        Func<object?, (IReadOnlyList<object?> After, object?[] Fresh), string?> check) =>
        new(name, hint, () => [arguments()], (fresh, outcomes) =>
            Unexpected(outcomes[0], hint) ?? (check(outcomes[0].Output, (outcomes[0].ArgumentsAfter, fresh[0])) is { } problem ? $"{problem}. Hint: {hint}" : null));

    /// <summary>A case requiring the submitted function to reject bad input with an exception of type <typeparamref name="TException"/>.</summary>
    public static GradedCase Throws<TException>(string name, Func<object?[]> arguments, string hint)
        where TException : Exception =>
        new(name, hint, () => [arguments()], badInput: true, judge: (_, outcomes) =>
        {
            CallOutcome o = outcomes[0];
            if (o.ThrewA<TException>())
            {
                return null;
            }

            return o.ThrewA<NotImplementedException>() ? "not implemented yet"
                : o.Threw ? $"threw {Short(o.Thrown[0])} ({FirstLine(o.Message)}); expected {typeof(TException).Name}. Hint: {hint}"
                : $"returned normally; expected {typeof(TException).Name}. Hint: {hint}";
        });

    /// <summary>Why an outcome that threw fails its case; null when it returned.</summary>
    public static string? Unexpected(CallOutcome outcome, string hint) =>
        !outcome.Threw ? null
        : outcome.ThrewA<NotImplementedException>() ? "not implemented yet (NotImplementedException)"
        : outcome.ThrewA<OutOfMemoryException>() ? "ran out of memory (OutOfMemoryException): is an allocation far larger than the result?"
        : $"threw {Short(outcome.Thrown[0])}: {FirstLine(outcome.Message)} Hint: {hint}";

    /// <summary>Every row over the last axis is non-negative and sums to one: the habit of checking softmax rows.</summary>
    public static string? RowsSumToOne(Tensor weights)
    {
        int S = weights.Dim(-1);
        int rows = S == 0 ? 0 : weights.Length / S;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = weights.Data.AsSpan(r * S, S);
            double sum = 0;
            for (int j = 0; j < S; j++)
            {
                if (!float.IsFinite(row[j]) || row[j] < -1e-6f)
                {
                    return $"row {RowText(weights, r * S)} has weight {Number(row[j])} at key {j}; weights must be finite and ≥ 0";
                }

                sum += row[j];
            }

            if (Math.Abs(sum - 1) > Tolerance)
            {
                return $"row {RowText(weights, r * S)} sums to {Number(sum)}, not 1";
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/> in shape and values, else the first difference.</summary>
    public static string? CompareTensors(Tensor expected, Tensor? actual, double tolerance, object? returned = null)
    {
        if (actual is null)
        {
            return $"returned {Describe(returned)}; expected a tensor of shape {expected.ShapeText}";
        }

        if (!expected.Shape.AsSpan().SequenceEqual(actual.Shape))
        {
            return $"expected shape {expected.ShapeText}, got {actual.ShapeText}";
        }

        // An infinity is right only where the same infinity is expected (a mask, a −∞ bias); NaN never is.
        for (int k = 0; k < expected.Length; k++)
        {
            float want = expected.Data[k], got = actual.Data[k];
            if ((!float.IsFinite(got) || !float.IsFinite(want)) && !(float.IsInfinity(got) && got == want))
            {
                return $"result has {Number(got)} at {IndexText(actual, k)} (expected {Number(want)})";
            }
        }

        int worst = -1;
        double worstError = 0;
        for (int k = 0; k < expected.Length; k++)
        {
            if (float.IsInfinity(expected.Data[k]))
            {
                continue;
            }

            double error = Math.Abs((double)actual.Data[k] - expected.Data[k]);
            if (error > tolerance * (1 + Math.Abs(expected.Data[k])) && error > worstError)
            {
                worst = k;
                worstError = error;
            }
        }

        return worst < 0
            ? null
            : $"max abs error {Number(worstError)} at {IndexText(actual, worst)}: expected {Number(expected.Data[worst])}, got {Number(actual.Data[worst])} (tolerance {tolerance:G1})";
    }

    /// <summary>Null when two scalars agree (exactly for integers, within tolerance for reals, an infinity only with itself), else the difference.</summary>
    public static string? CompareValues<T>(T expected, T actual, double tolerance)
        where T : IConvertible
    {
        if (expected is double or float)
        {
            double e = expected.ToDouble(CultureInfo.InvariantCulture), a = actual.ToDouble(CultureInfo.InvariantCulture);
            if (double.IsInfinity(e))
            {
                return a == e ? null : $"expected {Number(e)}, got {Number(a)}";   // e.g. m = −∞ of a row that has seen nothing
            }

            if (!double.IsFinite(a))
            {
                return $"returned {Number(a)}; expected {Number(e)}";
            }

            return Math.Abs(a - e) <= tolerance * (1 + Math.Abs(e)) ? null : $"expected {Number(e)}, got {Number(a)} (abs error {Number(Math.Abs(a - e))})";
        }

        return EqualityComparer<T>.Default.Equals(expected, actual) ? null : $"expected {expected}, got {actual}";
    }

    /// <summary>The multi-index of a flat offset, written [b, h, i, j].</summary>
    public static string IndexText(Tensor t, int flat)
    {
        int[] index = new int[t.Rank];
        for (int axis = t.Rank - 1; axis >= 0; axis--)
        {
            int size = t.Dim(axis);
            index[axis] = size == 0 ? 0 : flat % size;
            flat = size == 0 ? 0 : flat / size;
        }

        return Shapes.Format(index);
    }

    private static string RowText(Tensor t, int flat)
    {
        string full = IndexText(t, flat);
        int cut = full.LastIndexOf(',');
        return cut < 0 ? "[*]" : full[..cut] + ", *]";
    }

    /// <summary>A returned value as feedback names it: "null", or its type.</summary>
    public static string Describe(object? value) => value is null ? "null" : $"a {value.GetType().Name}";

    private static string Short(string typeName) => typeName[(typeName.LastIndexOf('.') + 1)..];

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string FirstLine(string message)
    {
        string line = message.Split('\n')[0].Trim();
        return line.Length <= 240 ? line : line[..240] + "…";
    }
}
