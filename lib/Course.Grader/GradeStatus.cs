namespace Course.Grader;

/// <summary>The status column of the gradebook: why an exercise earned what it earned.</summary>
public static class GradeStatus
{
    /// <summary>Every graded case passed.</summary>
    public const string Passed = "passed";

    /// <summary>Some graded cases passed.</summary>
    public const string Partial = "partial";

    /// <summary>The code ran and no graded case passed.</summary>
    public const string Failed = "failed";

    /// <summary>The stub still throws NotImplementedException.</summary>
    public const string NotAttempted = "not-attempted";

    /// <summary>No exercise cell with this id (deleted, or renamed without its metadata), or no such notebook.</summary>
    public const string NotFound = "not-found";

    /// <summary>The notebook that should hold the exercise is not a readable notebook (e.g. malformed JSON).</summary>
    public const string UnreadableNotebook = "unreadable-notebook";

    /// <summary>The exercise cell does not compile, or does not declare the signature.</summary>
    public const string CompileError = "compile-error";

    /// <summary>The code ran past the wall-clock limit.</summary>
    public const string Timeout = "timeout";

    /// <summary>The code ended the grading process (stack overflow, Environment.Exit, fatal error).</summary>
    public const string Crashed = "crashed";

    /// <summary>The code ran out of the memory the grading process may use.</summary>
    public const string OutOfMemory = "out-of-memory";

    /// <summary>The cell uses an API an exercise may not use (reflection, files, processes, …) or a library member that does the exercise's job.</summary>
    public const string ForbiddenApi = "forbidden-api";

    /// <summary>Compiling the cell (binding, the API rules, emitting) ran past its limit; the cell never ran.</summary>
    public const string CompileTimeout = "compile-timeout";

    /// <summary>The notebook file was refused: a symbolic link, a device or other special file, or over the size limit.</summary>
    public const string RefusedFile = "refused-file";

    /// <summary>
    /// The grader itself failed on this exercise (an unexpected exception, with its message in the feedback). Only this
    /// exercise of this student is affected; the instructor should look at it.
    /// </summary>
    public const string GraderError = "grader-error";

    /// <summary>The gradebook status of a report judged by the grader.</summary>
    public static string Of(Course.Grading.ExerciseReport report) =>
        report.Problem is not null ? Failed
        : report.NotAttempted ? NotAttempted
        : report.PassedCount == report.Cases.Count ? Passed
        : report.Cases.Any(c => c.OutOfMemory) ? OutOfMemory
        : report.CreditedCount > 0 ? Partial
        : Failed;
}
