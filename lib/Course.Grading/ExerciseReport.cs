using System.Globalization;
using System.Text;

namespace Course.Grading;

/// <summary>
/// The result of running an exercise's graded cases against one submitted function: what a notebook's check
/// cell prints and what the grader scores. The score is the exercise's points times the fraction of cases passed.
/// </summary>
public sealed class ExerciseReport
{
    /// <summary>Creates a report from the case results of <paramref name="exercise"/>.</summary>
    public ExerciseReport(Exercise exercise, IReadOnlyList<CaseResult> cases, string? problem = null)
    {
        Exercise = exercise;
        Cases = cases;
        Problem = problem;
    }

    /// <summary>The exercise that was checked.</summary>
    public Exercise Exercise { get; }

    /// <summary>One result per graded case, in the exercise's order.</summary>
    public IReadOnlyList<CaseResult> Cases { get; }

    /// <summary>A problem that stopped the cases from running at all (e.g. a wrong signature); null otherwise.</summary>
    public string? Problem { get; }

    /// <summary>True when every case threw <see cref="NotImplementedException"/>: the stub is still in place.</summary>
    public bool NotAttempted => Problem is null && Cases.Count > 0 && Cases.All(c => c.NotImplemented);

    /// <summary>The number of cases passed.</summary>
    public int PassedCount => Cases.Count(c => c.Passed);

    /// <summary>
    /// Points earned (0 when not attempted), rounded to hundredths. Without hidden cases: points × credited / cases. With
    /// them, the practice cases the notebook shows are worth a third and the hidden cases two thirds, so an answer
    /// fitted to the practice cases (or a common mistake they happen to miss) earns at most a third of the points.
    /// </summary>
    public double Score
    {
        get
        {
            if (Cases.Count == 0 || Problem is not null)
            {
                return 0;
            }

            bool credited = CreditedCount > 0;
            int practice = Cases.Count(c => !c.Hidden), hidden = Cases.Count - practice;
            double practiceShare = practice == 0 || !credited ? 0 : (double)Cases.Count(c => !c.Hidden && c.Passed) / practice;
            double fraction = hidden == 0 ? practiceShare
                : ((practice == 0 ? 0 : practiceShare) + (2.0 * Cases.Count(c => c.Hidden && c.Passed) / hidden)) / (practice == 0 ? 2 : 3);
            return Math.Round(Exercise.Points * fraction, 2, MidpointRounding.AwayFromZero);
        }
    }

    /// <summary>
    /// The cases that earn credit: every passed case, except that bad-input cases (an expected exception) count only when
    /// a value case passed too, so a function that always throws earns nothing.
    /// </summary>
    public int CreditedCount => Cases.Any(c => c.Passed && !c.BadInput) ? PassedCount : 0;

    /// <summary>The points available.</summary>
    public double MaxScore => Exercise.Points;

    /// <summary>
    /// The text a check cell prints: a header line, then one line per case starting with ✓ or ✗
    /// (no case lines when the exercise is not attempted yet).
    /// </summary>
    public string ToText()
    {
        var text = new StringBuilder();
        string header = $"Exercise {Exercise.Id}: {Exercise.Title}";
        if (Problem is not null)
        {
            text.AppendLine($"{header} — 0/{Format(MaxScore)} points");
            text.AppendLine($"✗ {Problem}");
            return text.ToString();
        }

        if (NotAttempted)
        {
            text.AppendLine($"{header} — not attempted: the stub still throws NotImplementedException.");
            text.AppendLine($"  Replace the throw in the exercise cell with your code for {Exercise.Signature}, then run the check again.");
            return text.ToString();
        }

        text.AppendLine($"{header} — {Format(Score)}/{Format(MaxScore)} points ({PassedCount}/{Cases.Count} cases)");
        // Each failed case says what went wrong; a hint shared by several failed cases is printed once, after them.
        var hints = new List<string>();
        foreach (CaseResult c in Cases)
        {
            if (c.Passed)
            {
                text.AppendLine($"✓ {c.Name}");
                continue;
            }

            int at = c.Message.IndexOf(" Hint: ", StringComparison.Ordinal);
            text.AppendLine($"✗ {c.Name}: {(at < 0 ? c.Message : c.Message[..at].TrimEnd('.') + ".")}");
            if (at >= 0 && c.Message[(at + 7)..] is var hint && !hints.Contains(hint))
            {
                hints.Add(hint);
            }
        }

        foreach (string hint in hints)
        {
            text.AppendLine($"  Hint: {hint}");
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToText();

    /// <summary>Formats points the way the gradebook does (invariant culture, up to two decimals).</summary>
    public static string Format(double points) => points.ToString("0.##", CultureInfo.InvariantCulture);
}
