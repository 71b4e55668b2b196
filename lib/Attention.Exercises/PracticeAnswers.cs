using Course.Grading;

namespace Attention.Exercises;

/// <summary>
/// The practice cases' expected outputs of the exercises whose answer nothing shipped computes (<c>PracticeAnswers.json</c>,
/// embedded; written from the reference answers by <c>PracticeAnswerTests</c> with COURSE_WRITE_PRACTICE_ANSWERS=1).
/// </summary>
internal static class PracticeAnswers
{
    private static readonly Lazy<Dictionary<string, object>> Stored = new(() =>
    {
        using Stream stream = typeof(PracticeAnswers).Assembly.GetManifestResourceStream("Attention.Exercises.PracticeAnswers.json")
            ?? throw new InvalidOperationException("Attention.Exercises was built without PracticeAnswers.json: rebuild it with dotnet build lib/Attention.Exercises.");
        using var reader = new StreamReader(stream);
        return StoredAnswers.Parse(reader.ReadToEnd());
    });

    /// <summary>The stored output of one practice call.</summary>
    public static T Get<T>(string exerciseId, string caseName, int call = 0) =>
        Stored.Value.TryGetValue(StoredAnswers.Key(exerciseId, caseName, call), out object? answer) && answer is T typed
            ? typed
            : throw new InvalidOperationException(
                $"no stored answer of type {typeof(T).Name} for exercise {exerciseId}, case '{caseName}', call {call}: write them with "
                + "COURSE_WRITE_PRACTICE_ANSWERS=1 dotnet test tests/Grading.Tests --filter PracticeAnswerTests, then rebuild.");

    /// <summary>A case comparing a tensor result with the stored answer.</summary>
    public static GradedCase Tensor(string exerciseId, string name, Func<object?[]> arguments, string hint, double tolerance = Cases.Tolerance) =>
        Cases.Tensor(name, () => Get<Tensor>(exerciseId, name), arguments, hint, tolerance);

    /// <summary>A case comparing a scalar result with the stored answer.</summary>
    public static GradedCase Value<T>(string exerciseId, string name, Func<object?[]> arguments, string hint, double tolerance = Cases.Tolerance)
        where T : IConvertible =>
        Cases.Value(name, () => Get<T>(exerciseId, name), arguments, hint, tolerance);

    /// <summary>A case comparing an array result with the stored answer.</summary>
    public static GradedCase Values<T>(string exerciseId, string name, Func<object?[]> arguments, string hint, double tolerance = Cases.Tolerance)
        where T : IConvertible =>
        Cases.Values(name, () => Get<T[]>(exerciseId, name), arguments, hint, tolerance);
}
