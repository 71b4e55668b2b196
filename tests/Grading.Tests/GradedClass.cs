using Course.Grading;

namespace Grading.Tests;

/// <summary>
/// The class these tests grade, graded once per test run. Without COURSE_SUBMISSIONS it is the sample class (generated
/// into the output folder); with COURSE_SUBMISSIONS=&lt;folder&gt; it is that folder of student subfolders. The
/// gradebook, feedback and results.json go to COURSE_GRADING_OUTPUT if set, else artifacts/grading/&lt;class&gt;/ in
/// the repository.
/// </summary>
public static class GradedClass
{
    // One deadline for the whole grading, shared by every test that waits for it.
    private static readonly Lazy<Task<IReadOnlyList<StudentResult>>> Results = new(() => GradeAsync().WaitAsync(TimeSpan.FromMinutes(3)));

    /// <summary>The folder given by COURSE_SUBMISSIONS, or null to grade the sample class.</summary>
    public static string? SubmissionsVariable =>
        Environment.GetEnvironmentVariable("COURSE_SUBMISSIONS") is { Length: > 0 } s ? FromRepository(s) : null;

    /// <summary>The assignment file given by COURSE_ASSIGNMENT when grading COURSE_SUBMISSIONS; null grades the whole course.</summary>
    public static Assignment? AssignmentVariable =>
        !IsSampleClass && Environment.GetEnvironmentVariable("COURSE_ASSIGNMENT") is { Length: > 0 } a ? Assignment.Load(FromRepository(a), Exercises.All) : null;

    /// <summary>The exercises graded: the assignment's, or every exercise.</summary>
    public static IReadOnlyList<Exercise> GradedExercises => AssignmentVariable?.Exercises ?? Exercises.All;

    /// <summary>True when grading the shipped sample class.</summary>
    public static bool IsSampleClass => SubmissionsVariable is null;

    /// <summary>The submissions folder graded.</summary>
    public static string Submissions => SubmissionsVariable ?? Path.Combine(AppContext.BaseDirectory, "sample-class-generated");

    /// <summary>Where the gradebook, feedback and results.json are written.</summary>
    public static string Output =>
        Environment.GetEnvironmentVariable("COURSE_GRADING_OUTPUT") is { Length: > 0 } o
            ? FromRepository(o)
            : Path.Combine(RepositoryRoot(), "artifacts", "grading", IsSampleClass ? "SampleClass" : Path.GetFileName(Path.TrimEndingDirectorySeparator(Submissions)));

    /// <summary>Limits for the tests: short enough to keep the suite quick, generous for a loaded 2-core machine.</summary>
    public static GradingOptions Options { get; } = GradingOptions.Default with { Timeout = TimeSpan.FromSeconds(6), MemoryBytes = 256L << 20 };

    /// <summary>
    /// The graded class (graded on first use). The wait is capped so a grader that stops enforcing its own limits
    /// fails the tests instead of hanging them.
    /// </summary>
    public static Task<IReadOnlyList<StudentResult>> GetAsync() => Results.Value;

    /// <summary>The student folder names, known before grading (for theory data).</summary>
    public static IReadOnlyList<string> Students()
    {
        EnsureGenerated();
        return [.. ClassGrader.StudentFolders(Submissions).Select(Path.GetFileName)!];
    }

    private static readonly object GenerateLock = new();
    private static bool generated;

    private static void EnsureGenerated()
    {
        lock (GenerateLock)
        {
            if (IsSampleClass && !generated)
            {
                SampleClass.Write(Submissions);
            }

            generated = true;
        }
    }

    private static async Task<IReadOnlyList<StudentResult>> GradeAsync()
    {
        EnsureGenerated();
        IReadOnlyList<StudentResult> results = await ClassGrader.GradeClassAsync(Submissions, Options with { Assignment = AssignmentVariable }, Output);
        GradeReports.Write(Output, results);
        return results;
    }

    // dotnet test runs in the test's bin folder: a relative path in a variable means one from the repository root.
    private static string FromRepository(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(RepositoryRoot(), path));

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Course.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
