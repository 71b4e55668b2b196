using System.Globalization;

namespace Attention;

/// <summary>
/// Builders for graded cases. Expected values are computed by the course library on fresh inputs, before and
/// apart from the submitted function (which gets its own fresh inputs, so mutating them cannot change the expectation).
/// </summary>
internal static class Cases
{
    /// <summary>Default tolerance: |actual − expected| ≤ tol · (1 + |expected|), float32 arithmetic in different orders.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>A case comparing a tensor result with the library's, element by element.</summary>
    public static GradedCase<TFunc> Tensor<TFunc>(
        string name, Func<Tensor> expected, Func<TFunc, Tensor?> actual, string hint, double tolerance = Tolerance)
        where TFunc : Delegate =>
        new(name, f =>
        {
            Tensor want = expected();
            return Attempt(name, () => actual(f), got => CompareTensors(want, got, tolerance), hint);
        });

    /// <summary>A case comparing a scalar result with the library's.</summary>
    public static GradedCase<TFunc> Value<TFunc, T>(
        string name, Func<T> expected, Func<TFunc, T> actual, string hint, double tolerance = Tolerance)
        where TFunc : Delegate
        where T : IConvertible =>
        new(name, f =>
        {
            T want = expected();
            return Attempt(name, () => actual(f), got => CompareValues(want, got, tolerance), hint);
        });

    /// <summary>A property case on a tensor result: <paramref name="property"/> returns null when it holds, else why not.</summary>
    public static GradedCase<TFunc> Property<TFunc>(
        string name, Func<TFunc, Tensor?> actual, Func<Tensor, string?> property, string hint)
        where TFunc : Delegate =>
        new(name, f => Attempt(name, () => actual(f), got => got is null ? "returned null" : property(got), hint));

    /// <summary>A case requiring the submitted function to reject bad input with an exception of type <typeparamref name="TException"/>.</summary>
    public static GradedCase<TFunc> Throws<TFunc, TException>(string name, Action<TFunc> call, string hint)
        where TFunc : Delegate
        where TException : Exception =>
        new(name, f =>
        {
            try
            {
                call(f);
            }
            catch (NotImplementedException e)
            {
                return new CaseResult(name, false, "not implemented yet", e.GetType().FullName);
            }
            catch (TException)
            {
                return CaseResult.Pass(name);
            }
            catch (Exception e)
            {
                return new CaseResult(name, false, $"threw {e.GetType().Name} ({FirstLine(e.Message)}); expected {typeof(TException).Name}. Hint: {hint}", e.GetType().FullName);
            }

            return CaseResult.Fail(name, $"returned normally; expected {typeof(TException).Name}. Hint: {hint}");
        });

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

    /// <summary>Runs the submitted call and judges its result; exceptions become failed cases.</summary>
    public static CaseResult Attempt<T>(string name, Func<T> call, Func<T, string?> judge, string hint)
    {
        T result;
        try
        {
            result = call();
        }
        catch (NotImplementedException e)
        {
            return new CaseResult(name, false, "not implemented yet (NotImplementedException)", e.GetType().FullName);
        }
        catch (OutOfMemoryException e)
        {
            return new CaseResult(name, false, "ran out of memory (OutOfMemoryException): is an allocation far larger than the result?", e.GetType().FullName);
        }
        catch (Exception e)
        {
            return new CaseResult(name, false, $"threw {e.GetType().Name}: {FirstLine(e.Message)} Hint: {hint}", e.GetType().FullName);
        }

        string? problem = judge(result);
        return problem is null ? CaseResult.Pass(name) : CaseResult.Fail(name, $"{problem}. Hint: {hint}");
    }

    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/> in shape and values, else the first difference.</summary>
    public static string? CompareTensors(Tensor expected, Tensor? actual, double tolerance)
    {
        if (actual is null)
        {
            return $"returned null; expected a tensor of shape {expected.ShapeText}";
        }

        if (!expected.Shape.AsSpan().SequenceEqual(actual.Shape))
        {
            return $"expected shape {expected.ShapeText}, got {actual.ShapeText}";
        }

        int bad = Array.FindIndex(actual.Data, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            return $"result has {Number(actual.Data[bad])} at {IndexText(actual, bad)} (expected {Number(expected.Data[bad])})";
        }

        int worst = -1;
        double worstError = 0;
        for (int k = 0; k < expected.Length; k++)
        {
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

    /// <summary>Null when two scalars agree (exactly for integers, within tolerance for reals), else the difference.</summary>
    public static string? CompareValues<T>(T expected, T actual, double tolerance)
        where T : IConvertible
    {
        if (expected is double or float)
        {
            double e = expected.ToDouble(CultureInfo.InvariantCulture), a = actual.ToDouble(CultureInfo.InvariantCulture);
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

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string FirstLine(string message)
    {
        string line = message.Split('\n')[0].Trim();
        return line.Length <= 240 ? line : line[..240] + "…";
    }
}
