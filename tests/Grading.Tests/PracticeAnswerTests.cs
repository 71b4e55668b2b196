using Attention;
using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// The practice answers stored as data (lib/Attention.Exercises/PracticeAnswers.json) are what the reference answers
/// return on the practice cases' arguments. With COURSE_WRITE_PRACTICE_ANSWERS=1 the test writes them first.
/// </summary>
public class PracticeAnswerTests
{
    [Fact]
    public void Stored_practice_answers_are_the_reference_answers_outputs()
    {
        var computed = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (Exercise exercise in Exercises.All.Where(e => e.StoresAnswers))
        {
            Delegate reference = HiddenCaseTests.Compile(exercise, ReferenceAnswers.Code(exercise.Id));
            foreach (GradedCase graded in exercise.Cases)
            {
                IReadOnlyList<object?[]> calls = graded.Calls();
                for (int k = 0; k < calls.Count; k++)
                {
                    CallOutcome outcome = CallOutcome.Invoke(reference, calls[k]);
                    if (!outcome.Threw && outcome.Output is not null)
                    {
                        computed[StoredAnswers.Key(exercise.Id, graded.Name, k)] = outcome.Output;
                    }
                }
            }
        }

        string path = Path.Combine(GradedClass.RepositoryRoot(), "lib", "Attention.Exercises", "PracticeAnswers.json");
        if (Environment.GetEnvironmentVariable("COURSE_WRITE_PRACTICE_ANSWERS") == "1")
        {
            File.WriteAllText(path, StoredAnswers.Serialize(computed));
        }

        Dictionary<string, object> stored = StoredAnswers.Parse(File.ReadAllText(path));
        Assert.Equal(computed.Keys.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in computed)
        {
            // Compared with a tolerance: another CPU's SIMD may round the reference differently in the last bits.
            string? difference = value switch
            {
                Tensor t => Cases.CompareTensors(t, stored[key] as Tensor, 1e-5),
                double d => Cases.CompareValues(d, (double)stored[key], 1e-6),
                double[] a => Cases.CompareArrays(a, (double[])stored[key], 1e-6),
                _ => Equals(value, stored[key]) || (value is Array x && stored[key] is Array y && x.Cast<object>().SequenceEqual(y.Cast<object>())) ? null : $"{stored[key]} stored",
            };
            Assert.True(difference is null, $"{key}: {difference}; rewrite with COURSE_WRITE_PRACTICE_ANSWERS=1 dotnet test tests/Grading.Tests --filter PracticeAnswerTests");
        }
    }

    [Fact]
    public void Stored_answers_round_trip_through_json()
    {
        var answers = new Dictionary<string, object>
        {
            ["t"] = new Tensor([1.5f, float.NegativeInfinity, 0.1f, -2e-7f], 2, 2),
            ["d"] = double.NegativeInfinity,
            ["a"] = new[] { 1.5, double.NaN },
            ["l"] = 1L << 40,
            ["i"] = new[] { 3, 4 },
        };
        Dictionary<string, object> back = StoredAnswers.Parse(StoredAnswers.Serialize(answers));
        Assert.Null(Cases.CompareTensors((Tensor)answers["t"], back["t"] as Tensor, 0));
        Assert.Equal(double.NegativeInfinity, back["d"]);
        Assert.True(double.IsNaN(((double[])back["a"])[1]));
        Assert.Equal(1L << 40, back["l"]);
        Assert.Equal([3, 4], (int[])back["i"]);
    }
}
