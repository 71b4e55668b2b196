using System.Diagnostics;
using Attention;
using Attention.Exercises;
using Course.Grading;

namespace Course.Grader;

/// <summary>One gradebook row with its feedback.</summary>
/// <param name="Student">The student's folder name.</param>
/// <param name="ExerciseId">Exercise id.</param>
/// <param name="Points">Points earned.</param>
/// <param name="Max">Points available.</param>
/// <param name="Status">A <see cref="GradeStatus"/> value.</param>
/// <param name="Feedback">The check-cell text, or the reason for zero, plus notes.</param>
public sealed record ExerciseGrade(string Student, string ExerciseId, double Points, double Max, string Status, string Feedback);

/// <summary>Every exercise grade of one student.</summary>
/// <param name="Student">The student's folder name.</param>
/// <param name="Grades">One per exercise of the catalog, in course order.</param>
/// <param name="Elapsed">Time spent grading the student.</param>
/// <param name="Notes">Notes about the whole submission (unreadable notebooks, empty folder).</param>
public sealed record StudentResult(string Student, IReadOnlyList<ExerciseGrade> Grades, TimeSpan Elapsed, IReadOnlyList<string> Notes)
{
    /// <summary>Total points earned.</summary>
    public double Score => Math.Round(Grades.Sum(g => g.Points), 2);
}

/// <summary>
/// Grades a class: every subfolder of the submissions folder is a student. For each student the exercise cells are
/// found by id, compiled in this process (warm Roslyn, no student code runs here) and run in one child worker process
/// per student (restarted if student code kills it). Students are graded in parallel; every student gets a row per
/// exercise whatever their notebooks contain.
/// </summary>
public static class ClassGrader
{
    /// <summary>The student folders of <paramref name="submissions"/>: its subfolders not starting with '.', by name.</summary>
    public static IReadOnlyList<string> StudentFolders(string submissions) =>
        [.. Directory.EnumerateDirectories(submissions)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)];

    /// <summary>Grades every student of <paramref name="submissions"/>, in student order.</summary>
    /// <param name="submissions">The class folder.</param>
    /// <param name="options">Limits and rules.</param>
    /// <param name="output">The report folder, hidden from the workers like the submissions.</param>
    public static async Task<IReadOnlyList<StudentResult>> GradeClassAsync(string submissions, GradingOptions options, string? output = null)
    {
        string[] hidden = output is null ? [submissions] : [submissions, output];
        IReadOnlyList<string> folders = StudentFolders(submissions);
        var results = new StudentResult[folders.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, folders.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism) },
            async (k, _) =>
            {
                try
                {
                    results[k] = await GradeStudentAsync(folders[k], options, hidden);
                }
                catch (Exception e)
                {
                    // The last boundary: whatever failed, this student still gets a row per exercise and the class goes on.
                    results[k] = GraderErrorResult(folders[k], e, options.Graded);
                }
            });
        return results;
    }

    /// <summary>A result for a student whose grading failed as a whole: every exercise <see cref="GradeStatus.GraderError"/>, 0 points.</summary>
    public static StudentResult GraderErrorResult(string folder, Exception e, Assignment? assignment = null)
    {
        string student = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        string why = $"the grader failed while grading this submission ({e.GetType().Name}: {e.Message}); the instructor has been told.";
        return new StudentResult(student, [.. (assignment?.Exercises ?? Exercises.All).Select(x => new ExerciseGrade(student, x.Id, 0, x.Points, GradeStatus.GraderError, why))], TimeSpan.Zero, [why]);
    }

    /// <summary>Grades one student folder: one grade per exercise of the catalog.</summary>
    /// <param name="folder">The student's submission folder.</param>
    /// <param name="options">Limits and rules.</param>
    /// <param name="hidden">Folders the worker must not see (the submissions and output folders); the grader adds its own work folder.</param>
    public static async Task<StudentResult> GradeStudentAsync(string folder, GradingOptions options, IReadOnlyList<string>? hidden = null)
    {
        var clock = Stopwatch.StartNew();
        string student = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        Submission submission = Submission.Read(folder);
        var notes = new List<string>();
        if (submission.Notebooks.Count == 0)
        {
            notes.Add("no notebooks (.ipynb) found in the submission folder.");
        }

        notes.AddRange(submission.Notebooks.Where(n => n.Error is not null).Select(n => $"notebook {n.RelativePath} could not be read: {n.Error}"));

        // The worker's folder starts empty (cells travel in its requests); every other student's folder sits beside
        // it under WorkRoot, which the worker cannot see.
        string work = Path.Combine(WorkRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var grades = new Dictionary<string, ExerciseGrade>();
            var cellNotes = new Dictionary<string, IReadOnlyList<string>>();
            var tasks = new List<WorkerTask>();
            IReadOnlyList<Exercise> graded = options.Graded.Exercises;
            foreach (Exercise exercise in graded)
            {
                try
                {
                    if (Prepare(exercise) is { } grade)
                    {
                        grades[exercise.Id] = grade;
                    }
                }
                catch (Exception e)
                {
                    // One exercise's unexpected failure is that exercise's, not the student's or the class's.
                    grades[exercise.Id] = GraderError(student, exercise, e);
                }
            }

            ExerciseGrade? Prepare(Exercise exercise)
            {
                CellLookup cell = submission.Find(exercise);
                if (cell.Code is null)
                {
                    return new ExerciseGrade(student, exercise.Id, 0, exercise.Points, cell.Status, cell.Reason!);
                }

                var compileClock = Stopwatch.StartNew();
                CompiledCell compiled = ScriptCompiler.Compile(exercise, cell.Code, $"cell_{exercise.Id.Replace('.', '_')}_{Guid.NewGuid():N}",
                    options.CompileTimeout, options.AllowLibrary, options.EnforceApiRules);
                Trace($"{student} {exercise.Id} compiled in {compileClock.ElapsedMilliseconds} ms");
                cellNotes[exercise.Id] = [.. cell.Notes, .. compiled.Notes];
                if (compiled.TimedOut)
                {
                    return new ExerciseGrade(student, exercise.Id, 0, exercise.Points, GradeStatus.CompileTimeout,
                        WithNotes($"the exercise cell was not run: {compiled.Errors[0]}.", cellNotes[exercise.Id]));
                }

                if (compiled.Violation is not null)
                {
                    return new ExerciseGrade(student, exercise.Id, 0, exercise.Points, GradeStatus.ForbiddenApi,
                        WithNotes($"the exercise cell was not run: {compiled.Violation}.", cellNotes[exercise.Id]));
                }

                if (compiled.Assembly is null)
                {
                    return new ExerciseGrade(student, exercise.Id, 0, exercise.Points, GradeStatus.CompileError,
                        WithNotes("the exercise cell does not compile:\n" + string.Join("\n", compiled.Errors.Select(e => "  " + e)), cellNotes[exercise.Id]));
                }

                // The notebook's practice cases, then the hidden case drawn for this run (judged by the reference answer).
                GradedCase? hidden = HiddenCases.For(exercise, options.HiddenSeed);
                tasks.Add(new WorkerTask(exercise, compiled.Assembly, compiled.EntryType, compiled.EntryMethod,
                    hidden is null ? exercise.Cases : [.. exercise.Cases, hidden]));
                return null;
            }

            if (tasks.Count > 0)
            {
                var runClock = Stopwatch.StartNew();
                Dictionary<string, (ExerciseReport? Report, WorkerFailure? Failure)> ran;
                try
                {
                    ran = await new WorkerClient(options).RunAsync(tasks, work, [WorkRoot, .. hidden ?? []]);
                }
                catch (Exception e)
                {
                    ran = tasks.ToDictionary(t => t.Exercise.Id, t => ((ExerciseReport?)null, (WorkerFailure?)new WorkerFailure(GradeStatus.GraderError,
                        $"the grader failed while running the cells ({e.GetType().Name}: {e.Message}).")));
                }

                Trace($"{student} ran {tasks.Count} exercises in {runClock.ElapsedMilliseconds} ms");
                foreach (WorkerTask task in tasks)
                {
                    Exercise exercise = task.Exercise;
                    var (report, failure) = ran.TryGetValue(exercise.Id, out var outcome) ? outcome
                        : (null, new WorkerFailure(GradeStatus.GraderError, "the grader lost this exercise's result."));
                    grades[exercise.Id] = report is null
                        ? new ExerciseGrade(student, exercise.Id, 0, exercise.Points, failure!.Status,
                            WithNotes($"Exercise {exercise.Id}: {exercise.Title} — 0/{ExerciseReport.Format(exercise.Points)} points\n✗ {failure.Message}\n", cellNotes[exercise.Id]))
                        : new ExerciseGrade(student, exercise.Id, Math.Clamp(report.Score, 0, exercise.Points), exercise.Points, GradeStatus.Of(report),
                            WithNotes(report.ToText(), cellNotes[exercise.Id]));
                }
            }

            return new StudentResult(student, [.. graded.Select(e => grades[e.Id])], clock.Elapsed, notes);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A file still held: the temp folder is left for the OS to clean.
            }
        }
    }

    /// <summary>Where each student's worker folder is made; hidden from every worker.</summary>
    public static string WorkRoot { get; } = Path.Combine(Path.GetTempPath(), "course-grader");

    private static void Trace(string message)
    {
        if (Environment.GetEnvironmentVariable("COURSE_GRADER_TRACE") == "1")
        {
            Console.Error.WriteLine(message);
        }
    }

    private static ExerciseGrade GraderError(string student, Exercise exercise, Exception e) =>
        new(student, exercise.Id, 0, exercise.Points, GradeStatus.GraderError,
            $"the grader failed on this exercise ({e.GetType().Name}: {e.Message}); the instructor has been told.");

    private static string WithNotes(string text, IReadOnlyList<string> notes) =>
        notes.Count == 0 ? text : text.TrimEnd() + "\n" + string.Concat(notes.Select(n => $"Note: {n}\n"));
}
