namespace Course.Grading;

/// <summary>
/// One graded exercise, declared as a form: <c>new Exercise&lt;SplitHeads&gt; { Id = "4.1a", Title = …, Points = 2,
/// Notebook = "04.1", Task = …, SameAs = [typeof(Heads)], Cases = [...] }</c>, where <c>SplitHeads</c> is the delegate
/// that states the signature the student implements, once. The notebook's check cell and the instructor's grader judge
/// the same cases; reference answers live on the instructor's side only (lib/Course.Solutions).
/// </summary>
public abstract class Exercise
{
    private readonly IReadOnlyList<GradedCase> cases = [];

    private protected Exercise()
    {
    }

    /// <summary>The stable id, e.g. "4.1a": section 4, notebook 4.1, first exercise.</summary>
    public required string Id { get; init; }

    /// <summary>A short title shown in the marker line and in feedback.</summary>
    public required string Title { get; init; }

    /// <summary>The points the exercise is worth.</summary>
    public required double Points { get; init; }

    /// <summary>The notebook the exercise lives in, as its file name starts: "04.1" for 04.1-head-dimensions.ipynb.</summary>
    public required string Notebook { get; init; }

    /// <summary>One line saying what to compute, with shapes; shown in the stub.</summary>
    public required string Task { get; init; }

    /// <summary>
    /// Library types or members that do the exercise's job (<c>typeof(Heads)</c>, <c>LibraryMember.Of(...)</c>): a
    /// solution that uses one earns nothing for it, unless the instructor allows them.
    /// </summary>
    public required IReadOnlyList<LibraryMember> SameAs { get; init; }

    /// <summary>
    /// Library types or members the exercise may use beyond the table of <see cref="ApiRules"/> (which already holds the
    /// course <c>Tensor</c>, <c>Linear</c> and <c>Shapes</c>). Empty by default.
    /// </summary>
    public IReadOnlyList<LibraryMember> Allowed { get; init; } = [];

    /// <summary>The full names of <see cref="Allowed"/>, as the API rules match them.</summary>
    public IReadOnlyList<string> AllowedNames => [.. Allowed.Select(m => m.FullName)];

    /// <summary>The graded cases, in order (at least one).</summary>
    public required IReadOnlyList<GradedCase> Cases
    {
        get => cases;
        init => cases = value is { Count: > 0 } ? value : throw new ArgumentException("an exercise needs at least one graded case.", nameof(Cases));
    }

    /// <summary>
    /// True when the practice cases' expected outputs are stored data (<see cref="StoredAnswers"/>) written from the
    /// reference answer: the exercise asks for something the course library does not compute.
    /// </summary>
    public bool StoresAnswers { get; init; }

    /// <summary>
    /// For an exercise with many right answers (a design under a constraint): judges one call by what the answer does, so
    /// the grader's hidden configurations are judged by this property instead of against the reference answer's output.
    /// Returns null when the output is right, or what is wrong.
    /// </summary>
    public Func<object?[], object?, string?>? Property { get; init; }

    /// <summary>The delegate type that declares the signature, e.g. <c>delegate Tensor SplitHeads(Tensor X, int heads)</c>.</summary>
    public abstract Type DelegateType { get; }

    /// <summary>The signature as C# text, read from <see cref="DelegateType"/>: <c>Tensor SplitHeads(Tensor X, int heads)</c>.</summary>
    public string Signature => CSharpSignature.Of(DelegateType);

    /// <summary>The method name the student writes: the delegate's name, e.g. SplitHeads.</summary>
    public string FunctionName => DelegateType.Name;

    /// <summary>The <c>Func&lt;…&gt;</c> type with the same parameters and result, which code outside the exercises can name.</summary>
    public Type FuncType => CSharpSignature.FuncOf(DelegateType);

    /// <summary>The full names of <see cref="SameAs"/>, as the API rules match them.</summary>
    public IReadOnlyList<string> SameAsNames => [.. SameAs.Select(m => m.FullName)];

    /// <summary>The names of the graded cases, in order.</summary>
    public IReadOnlyList<string> CaseNames => [.. Cases.Select(c => c.Name)];

    /// <summary>The stub shipped in the notebook: the signature and a body that throws <see cref="NotImplementedException"/>.</summary>
    public string StubCode =>
        $"{Signature}\n{{\n    // {Task}\n    throw new NotImplementedException();\n}}\n";

    /// <summary>
    /// Runs every graded case against <paramref name="solution"/> in this process (a notebook's check): first the rule
    /// on the APIs its compiled code may use (<see cref="ApiRules"/>), then each case's calls and judgement. Nothing the
    /// solution throws escapes.
    /// </summary>
    public ExerciseReport Run(Delegate solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        if (solution.Method.GetParameters().Select(p => p.ParameterType).SequenceEqual(FuncType.GetMethod("Invoke")!.GetParameters().Select(p => p.ParameterType)) is false
            || solution.Method.ReturnType != FuncType.GetMethod("Invoke")!.ReturnType)
        {
            return new ExerciseReport(this, [], $"{Id} expects a function {Signature}; got {solution.Method}.");
        }

        if (CompiledCodeRules.FirstViolation(solution.Method, AllowedNames, SameAsNames) is { } violation)
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
    public ExerciseReport Judge(IReadOnlyList<IReadOnlyList<CallOutcome>> outcomes) => Judge(Cases, outcomes);

    /// <summary>The report of outcomes obtained elsewhere for <paramref name="cases"/> (the grader adds hidden cases to <see cref="Cases"/>).</summary>
    /// <param name="cases">The cases that were run, in order.</param>
    /// <param name="outcomes">Per case, the outcomes of its calls in order.</param>
    public ExerciseReport Judge(IReadOnlyList<GradedCase> cases, IReadOnlyList<IReadOnlyList<CallOutcome>> outcomes)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count != cases.Count)
        {
            throw new ArgumentException($"expected outcomes for {cases.Count} cases, got {outcomes.Count}.", nameof(outcomes));
        }

        return new ExerciseReport(this, [.. cases.Select((c, k) => c.Judge(outcomes[k]))]);
    }

}

/// <summary>An exercise whose submitted function has the signature of delegate <typeparamref name="TFunc"/>.</summary>
public sealed class Exercise<TFunc> : Exercise
    where TFunc : Delegate
{
    /// <inheritdoc />
    public override Type DelegateType => typeof(TFunc);
}
