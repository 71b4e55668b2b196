using System.Text.RegularExpressions;

namespace Course.Grading;

/// <summary>
/// The text and metadata of exercise cells, from the one definition per exercise, so notebooks, sample submissions
/// and the grader agree. An exercise cell carries cell metadata <c>{"course": {"exercise": "4.1a"}}</c> and starts
/// with the marker line <c>// Exercise 4.1a: title</c>; the cell after it is the check cell. The grader finds an
/// exercise cell by metadata first, else by marker, and grades only that cell.
/// </summary>
public static partial class ExerciseCells
{
    /// <summary>The cell-metadata key holding course data.</summary>
    public const string MetadataKey = "course";

    /// <summary>The key under <see cref="MetadataKey"/> holding the exercise id.</summary>
    public const string ExerciseKey = "exercise";

    /// <summary>
    /// The namespaces an exercise cell may use without a using directive: the notebook's setup cell imports them,
    /// and the grader compiles each exercise cell with them.
    /// </summary>
    public static IReadOnlyList<string> Usings { get; } =
        ["System", "System.Collections.Generic", "System.Linq", "Attention"];

    /// <summary>
    /// Using aliases an exercise cell may rely on. <c>TensorPrimitives</c> is aliased rather than its namespace imported,
    /// because System.Numerics.Tensors also has a type named Tensor.
    /// </summary>
    public static IReadOnlyList<string> UsingAliases { get; } =
        ["using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;"];

    /// <summary>The using directives for a notebook's setup cell, one per line.</summary>
    public static string SetupUsings => string.Concat(Usings.Select(u => $"using {u};\n")) + string.Concat(UsingAliases.Select(a => a + "\n"));

    /// <summary>The marker line, e.g. <c>// Exercise 4.1a: Split d_model into heads</c>.</summary>
    public static string Marker(Exercise exercise) => $"// Exercise {exercise.Id}: {exercise.Title}";

    /// <summary>The exercise cell as shipped: marker, instructions and the stub that throws.</summary>
    public static string StubCell(Exercise exercise) => Cell(exercise, exercise.StubCode);

    /// <summary>An exercise cell holding <paramref name="code"/> under the marker and instructions.</summary>
    public static string Cell(Exercise exercise, string code)
    {
        Exercise e = exercise;
        return $"{Marker(e)}\n// {ReportPoints(e)} Only this cell is graded: keep the signature, and keep any helper inside this cell.\n{code}";
    }

    /// <summary>The check cell that follows the exercise cell, e.g. <c>Exercises.Check("4.1a", SplitHeads);</c>.</summary>
    public static string CheckCell(Exercise exercise) => $"Exercises.Check(\"{exercise.Id}\", {exercise.FunctionName});";

    /// <summary>The cell metadata marking an exercise cell: <c>{"course": {"exercise": id}}</c>.</summary>
    public static Dictionary<string, object> Metadata(Exercise exercise) =>
        new() { [MetadataKey] = new Dictionary<string, object> { [ExerciseKey] = exercise.Id } };

    /// <summary>The exercise id of a marker line (<c>// Exercise 4.1a: ...</c>), or null if the line is not a marker.</summary>
    public static string? MarkerId(string firstLine)
    {
        Match m = MarkerPattern().Match(firstLine);
        return m.Success ? m.Groups[1].Value : null;
    }

    private static string ReportPoints(Exercise e) =>
        $"{ExerciseReport.Format(e.Points)} point{(e.Points == 1 ? "" : "s")}.";

    [GeneratedRegex(@"^\s*//\s*Exercise\s+(\d+\.\d+[a-z]?)\s*:")]
    private static partial Regex MarkerPattern();
}
