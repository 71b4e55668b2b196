namespace Course.Grading;

/// <summary>
/// One deterministic graded case: the calls to make (argument lists, built fresh each time) and the judgement of what
/// those calls did. The two halves are apart so the grader can make the calls in a child process and judge in its own.
/// </summary>
public sealed class GradedCase
{
    private readonly Func<IReadOnlyList<object?[]>> calls;
    private readonly Func<IReadOnlyList<object?[]>, IReadOnlyList<CallOutcome>, string?> judge;

    public GradedCase(string name, string hint, Func<IReadOnlyList<object?[]>> calls,
        Func<IReadOnlyList<object?[]>, IReadOnlyList<CallOutcome>, string?> judge, bool badInput = false, bool hidden = false)
    {
        BadInput = badInput;
        Hidden = hidden;
        Name = name;
        Hint = hint;
        this.calls = calls;
        this.judge = judge;
    }

    /// <summary>What the case checks, e.g. "B=2, N=5, d_model=12, heads=3".</summary>
    public string Name { get; }

    /// <summary>
    /// True for a case that asks the function to reject bad input (an expected exception). A function that always throws
    /// would pass it, so it earns credit only when a value case of the same exercise passed.
    /// </summary>
    public bool BadInput { get; }

    /// <summary>True for a case the notebook does not show: drawn fresh for each grading run, worth two thirds of the points.</summary>
    public bool Hidden { get; }

    /// <summary>The hint printed with a failure.</summary>
    public string Hint { get; }

    /// <summary>Fresh argument lists of the calls the case makes (usually one).</summary>
    public IReadOnlyList<object?[]> Calls() => calls();

    /// <summary>
    /// Judges the outcomes of the calls (one per argument list of <see cref="Calls"/>, in order): an exception fails
    /// the case with what was thrown; otherwise the case's own check decides.
    /// </summary>
    public CaseResult Judge(IReadOnlyList<CallOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        IReadOnlyList<object?[]> fresh = calls();
        if (outcomes.Count != fresh.Count)
        {
            return CaseResult.Fail(Name, $"expected {fresh.Count} call result(s), got {outcomes.Count}") with { BadInput = BadInput, Hidden = Hidden };
        }

        string? problem;
        try
        {
            problem = judge(fresh, outcomes);
        }
        catch (Exception e)
        {
            // An answer of any wrong form (e.g. from a worker that was tampered with) fails the case; it never stops grading.
            problem = $"the result could not be judged ({e.GetType().Name})";
        }

        if (problem is null)
        {
            return CaseResult.Pass(Name) with { BadInput = BadInput, Hidden = Hidden };
        }

        CallOutcome? threw = outcomes.FirstOrDefault(o => o.Threw);
        return new CaseResult(Name, false, problem, threw?.Thrown.FirstOrDefault(), BadInput, Hidden);
    }
}
