using System.Text.RegularExpressions;

namespace Attention;

/// <summary>
/// One graded exercise: a stable id ("4.1a"), the fixed C# signature the student implements, the stub the notebook
/// ships, a reference answer (C# text, compiled by the grading tests), and deterministic graded cases whose expected
/// values come from the course library. The notebook's check cell and the instructor's grader run the same cases.
/// </summary>
public abstract partial class Exercise
{
    private protected Exercise(string id, string title, double points, string notebook, string signature, string task, string referenceCode)
    {
        Id = id;
        Title = title;
        Points = points;
        Notebook = notebook;
        Signature = signature;
        Task = task;
        ReferenceCode = referenceCode.Trim() + "\n";
        Match name = FunctionNamePattern().Match(signature);
        if (!name.Success)
        {
            throw new ArgumentException($"signature '{signature}' has no function name.", nameof(signature));
        }

        FunctionName = name.Groups[1].Value;
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

    /// <summary>The reference answer as C# script text (the signature and a body).</summary>
    public string ReferenceCode { get; }

    /// <summary>The stub shipped in the notebook: the signature and a body that throws <see cref="NotImplementedException"/>.</summary>
    public string StubCode =>
        $"{Signature}\n{{\n    // {Task}\n    throw new NotImplementedException();\n}}\n";

    /// <summary>The delegate type of the signature, e.g. Func&lt;Tensor, int, Tensor&gt;.</summary>
    public abstract Type DelegateType { get; }

    /// <summary>The names of the graded cases, in order.</summary>
    public abstract IReadOnlyList<string> CaseNames { get; }

    /// <summary>
    /// Runs every graded case against <paramref name="solution"/> (a delegate of <see cref="DelegateType"/>, or any
    /// delegate whose method has the same parameter and return types). Exceptions thrown by the solution become
    /// failed cases; nothing the solution throws escapes.
    /// </summary>
    public abstract ExerciseReport Run(Delegate solution);

    [GeneratedRegex(@"(\w+)\s*\(")]
    private static partial Regex FunctionNamePattern();
}

/// <summary>An exercise whose submitted function has delegate type <typeparamref name="TFunc"/>.</summary>
internal sealed class Exercise<TFunc> : Exercise
    where TFunc : Delegate
{
    private readonly GradedCase<TFunc>[] cases;

    public Exercise(
        string id, string title, double points, string notebook, string signature, string task, string referenceCode,
        params GradedCase<TFunc>[] cases)
        : base(id, title, points, notebook, signature, task, referenceCode)
    {
        if (cases.Length == 0)
        {
            throw new ArgumentException($"exercise {id} needs at least one graded case.", nameof(cases));
        }

        this.cases = cases;
    }

    public override Type DelegateType => typeof(TFunc);

    public override IReadOnlyList<string> CaseNames => Array.ConvertAll(cases, c => c.Name);

    public override ExerciseReport Run(Delegate solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        TFunc? f = solution as TFunc;
        if (f is null)
        {
            try
            {
                f = (TFunc)Delegate.CreateDelegate(typeof(TFunc), solution.Target, solution.Method);
            }
            catch (ArgumentException)
            {
                return new ExerciseReport(this, [], $"{Id} expects a function {Signature}; got {solution.Method}.");
            }
        }

        var results = new CaseResult[cases.Length];
        for (int c = 0; c < cases.Length; c++)
        {
            results[c] = cases[c].Run(f);
        }

        return new ExerciseReport(this, results);
    }
}

/// <summary>One deterministic graded case: a name and a check of the submitted function.</summary>
internal sealed record GradedCase<TFunc>(string Name, Func<TFunc, CaseResult> Run)
    where TFunc : Delegate;
