using System.Text.RegularExpressions;

namespace Attention;

/// <summary>
/// One graded exercise: a stable id ("4.1a"), the fixed C# signature the student implements, the stub the notebook
/// ships, the library members that would answer it in one call (not allowed), and deterministic graded cases whose
/// expected values come from the course library. The notebook's check cell and the instructor's grader judge the same
/// cases; reference answers live on the instructor's side only (lib/Course.Solutions).
/// </summary>
public abstract partial class Exercise
{
    private protected Exercise(string id, string title, double points, string notebook, string signature, string task,
        IReadOnlyList<string> sameAs, IReadOnlyList<GradedCase> cases)
    {
        Id = id;
        Title = title;
        Points = points;
        Notebook = notebook;
        Signature = signature;
        Task = task;
        SameAs = sameAs;
        Cases = cases.Count > 0 ? cases : throw new ArgumentException($"exercise {id} needs at least one graded case.", nameof(cases));
        Match name = FunctionNamePattern().Match(signature);
        FunctionName = name.Success ? name.Groups[1].Value : throw new ArgumentException($"signature '{signature}' has no function name.", nameof(signature));
    }

    /// <summary>The stable id, e.g. "4.1a": section 4, notebook 4.1, first exercise.</summary>
    public string Id { get; }

    /// <summary>A short title shown in the marker line and in feedback.</summary>
    public string Title { get; }

    /// <summary>The points the exercise is worth.</summary>
    public double Points { get; }

    /// <summary>The notebook the exercise lives in, as its file name starts: "04.1" for 04.1-head-dimensions.ipynb.</summary>
    public string Notebook { get; }

    /// <summary>The fixed signature, e.g. <c>Tensor SplitHeads(Tensor X, int heads)</c>.</summary>
    public string Signature { get; }

    /// <summary>The method name in <see cref="Signature"/>, e.g. SplitHeads.</summary>
    public string FunctionName { get; }

    /// <summary>One line saying what to compute, with shapes; shown in the stub.</summary>
    public string Task { get; }

    /// <summary>
    /// Library members (e.g. <c>Attention.Heads.Split</c>) or types (<c>Attention.Heads</c>) that do the exercise's job:
    /// a solution that uses one earns nothing for it, unless the instructor allows them.
    /// </summary>
    public IReadOnlyList<string> SameAs { get; }

    /// <summary>The graded cases, in order.</summary>
    public IReadOnlyList<GradedCase> Cases { get; }

    /// <summary>The names of the graded cases, in order.</summary>
    public IReadOnlyList<string> CaseNames => [.. Cases.Select(c => c.Name)];

    /// <summary>The stub shipped in the notebook: the signature and a body that throws <see cref="NotImplementedException"/>.</summary>
    public string StubCode =>
        $"{Signature}\n{{\n    // {Task}\n    throw new NotImplementedException();\n}}\n";

    /// <summary>The delegate type of the signature, e.g. Func&lt;Tensor, int, Tensor&gt;.</summary>
    public abstract Type DelegateType { get; }

    /// <summary>
    /// Runs every graded case against <paramref name="solution"/> in this process (a notebook's check): first the rule
    /// on the APIs its compiled code may use (<see cref="ApiRules"/>), then each case's calls and judgement. Nothing the
    /// solution throws escapes.
    /// </summary>
    public ExerciseReport Run(Delegate solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        if (solution.Method.GetParameters().Select(p => p.ParameterType).SequenceEqual(DelegateType.GetMethod("Invoke")!.GetParameters().Select(p => p.ParameterType)) is false
            || solution.Method.ReturnType != DelegateType.GetMethod("Invoke")!.ReturnType)
        {
            return new ExerciseReport(this, [], $"{Id} expects a function {Signature}; got {solution.Method}.");
        }

        if (CompiledCodeRules.FirstViolation(solution.Method, SameAs) is { } violation)
        {
            return new ExerciseReport(this, [], violation);
        }

        var results = new CaseResult[Cases.Count];
        for (int c = 0; c < Cases.Count; c++)
        {
            IReadOnlyList<object?[]> calls = Cases[c].Calls();
            results[c] = Cases[c].Judge([.. calls.Select(arguments => CallOutcome.Invoke(solution, arguments))]);
        }

        return new ExerciseReport(this, results);
    }

    /// <summary>The report of outcomes obtained elsewhere (the grader's worker): one list of call outcomes per case.</summary>
    /// <param name="outcomes">Per case, the outcomes of its calls in order.</param>
    public ExerciseReport Judge(IReadOnlyList<IReadOnlyList<CallOutcome>> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count != Cases.Count)
        {
            throw new ArgumentException($"expected outcomes for {Cases.Count} cases, got {outcomes.Count}.", nameof(outcomes));
        }

        return new ExerciseReport(this, [.. Cases.Select((c, k) => c.Judge(outcomes[k]))]);
    }

    [GeneratedRegex(@"(\w+)\s*\(")]
    private static partial Regex FunctionNamePattern();
}

/// <summary>An exercise whose submitted function has delegate type <typeparamref name="TFunc"/>.</summary>
internal sealed class Exercise<TFunc>(
    string id, string title, double points, string notebook, string signature, string task, string[] sameAs, params GradedCase[] cases)
    : Exercise(id, title, points, notebook, signature, task, sameAs, cases)
    where TFunc : Delegate
{
    public override Type DelegateType => typeof(TFunc);
}
