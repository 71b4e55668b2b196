namespace Course.Grading;

/// <summary>The outcome of one graded case of an exercise.</summary>
/// <param name="Name">What the case checks, e.g. "B=2, N=5, d_model=12, heads=3".</param>
/// <param name="Passed">Whether the submitted function met the case.</param>
/// <param name="Message">Why it failed (expected vs actual, where, and a hint); empty when it passed.</param>
/// <param name="ExceptionType">Full name of the exception the submitted code threw, if it threw.</param>
/// <param name="BadInput">A case that asks the function to reject bad input: it earns credit only next to a value case that passed.</param>
/// <param name="Hidden">A case the notebook does not show, drawn for the grading run (see <see cref="GradedCase.Hidden"/>).</param>
public sealed record CaseResult(string Name, bool Passed, string Message, string? ExceptionType = null, bool BadInput = false, bool Hidden = false)
{
    /// <summary>True when the submitted code threw <see cref="NotImplementedException"/> (the shipped stub does).</summary>
    public bool NotImplemented => ExceptionType == typeof(NotImplementedException).FullName;

    /// <summary>True when the submitted code ran out of memory.</summary>
    public bool OutOfMemory => ExceptionType == typeof(OutOfMemoryException).FullName;

    /// <summary>A passed case.</summary>
    public static CaseResult Pass(string name) => new(name, true, "");

    /// <summary>A failed case with its explanation.</summary>
    public static CaseResult Fail(string name, string message) => new(name, false, message);
}
