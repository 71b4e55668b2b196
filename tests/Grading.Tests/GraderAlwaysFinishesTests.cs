using System.Diagnostics;
using System.Text.RegularExpressions;
using Course.Grader.Worker;
using Course.Solutions;
using CsCheck;

namespace Grading.Tests;

/// <summary>
/// The grader finishes for everyone whatever one student does: a malformed frame written into the answer pipe costs
/// that exercise only (crashed), 400 MB on stderr costs nothing but a bounded buffer, every report is written for
/// every student, refused files (a symlink to a classmate's notebook, a pipe, an oversized notebook) are refused with a
/// status, and the frame reader turns any bytes into an answer, an end, or an InvalidDataException.
/// </summary>
public partial class GraderAlwaysFinishesTests
{
    [Fact]
    public async Task A_student_who_crashes_the_frame_reader_loses_that_exercise_and_everyone_else_is_graded_exactly()
    {
        AttackClasses.Graded graded = await AttackClasses.RulesOffAsync();
        double full = Exercises.All.Sum(e => e.Points);
        foreach (string student in (string[])[AttackClasses.Honest, "stderr-flood"])
        {
            StudentResult r = graded.Results.Single(s => s.Student == student);
            Assert.True(r.Score == full, $"{student}: {r.Score}/{full}\n" + string.Join("\n", r.Grades.Where(g => g.Points < g.Max).Select(g => $"{g.ExerciseId} {g.Status} {g.Feedback}")));
        }

        StudentResult crasher = graded.Results.Single(s => s.Student == "malformed-frame");
        ExerciseGrade attacked = crasher.Grades.Single(g => g.ExerciseId == "4.5a");
        Assert.True(attacked.Status == GradeStatus.Crashed && attacked.Points == 0, $"{attacked.Status}: {attacked.Feedback}");
        Assert.Contains("unreadable answer", attacked.Feedback, StringComparison.Ordinal);
        Assert.All(crasher.Grades.Where(g => g.ExerciseId != "4.5a"), g => Assert.True(g.Points == g.Max, $"{g.ExerciseId} {g.Status} {g.Feedback}"));
    }

    [Fact]
    public async Task Every_report_is_written_for_every_student()
    {
        AttackClasses.Graded graded = await AttackClasses.RulesOffAsync();
        string[] students = [.. ClassGrader.StudentFolders(graded.Submissions).Select(Path.GetFileName)!];
        string[] rows = File.ReadAllLines(Path.Combine(graded.Output, "gradebook.csv"));
        Assert.Equal(1 + (students.Length * Exercises.All.Count), rows.Length);
        string lms = File.ReadAllText(Path.Combine(graded.Output, "lms.csv"));
        foreach (string student in students)
        {
            Assert.True(File.Exists(Path.Combine(graded.Output, "feedback", student + ".md")), student);
            Assert.True(File.Exists(Path.Combine(graded.Output, "results", student, "results.json")), student);
            Assert.Contains(student + ",", lms, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_stderr_flood_keeps_the_graders_peak_memory_within_twice_a_normal_class()
    {
        // The grader as an instructor runs it, twice: two honest students, then one honest and one who writes 400 MB to
        // stderr without a newline. Its own report of its peak working set is compared.
        string root = Directory.CreateTempSubdirectory("course-flood-").FullName;
        string normal = Path.Combine(root, "normal"), flood = Path.Combine(root, "flood");
        AttackCell attack = AttackCell.Get("rules-off", "stderr-flood");
        foreach (string folder in (string[])[normal, flood])
        {
            NotebookCells.WriteSubmission(Path.Combine(folder, "a"), e => ReferenceAnswers.Code(e.Id));
        }

        NotebookCells.WriteSubmission(Path.Combine(normal, "b"), e => ReferenceAnswers.Code(e.Id));
        NotebookCells.WriteSubmission(Path.Combine(flood, "b"), e => e.Id == attack.ExerciseId ? attack.Code : ReferenceAnswers.Code(e.Id));

        (long normalPeak, string normalOut) = await GradeInProcessOfItsOwnAsync(normal, Path.Combine(root, "normal-out"));
        (long floodPeak, string floodOut) = await GradeInProcessOfItsOwnAsync(flood, Path.Combine(root, "flood-out"));

        Assert.Contains("b,4.5a,1,1,passed", File.ReadAllText(Path.Combine(root, "flood-out", "gradebook.csv")), StringComparison.Ordinal);
        Assert.True(floodPeak <= 2 * normalPeak, $"peak {floodPeak} MiB with the flood, {normalPeak} MiB without\n{floodOut}\n{normalOut}");
        Console.WriteLine($"grader peak memory: {normalPeak} MiB for a normal class, {floodPeak} MiB with a 400 MB stderr flood");
        Directory.Delete(root, recursive: true);
    }

    private static async Task<(long PeakMiB, string Output)> GradeInProcessOfItsOwnAsync(string submissions, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "Course.Grader.dll"), "grade", submissions, "--out", output, "--timeout", "6", "--memory", "256", "--no-api-rules"])
        {
            start.ArgumentList.Add(a);
        }

        using Process grader = Process.Start(start)!;
        Task<string> stdout = grader.StandardOutput.ReadToEndAsync();
        Task<string> stderr = grader.StandardError.ReadToEndAsync();
        await grader.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        string text = await stdout + await stderr;
        Assert.True(grader.ExitCode == 0, text);
        Match peak = PeakMemory().Match(text);
        Assert.True(peak.Success, text);
        return (long.Parse(peak.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [GeneratedRegex(@"grader peak memory: (\d+) MiB")]
    private static partial Regex PeakMemory();

    [Fact]
    public void A_compile_past_its_limit_is_compile_timeout_and_the_grader_does_not_wait_for_it()
    {
        // Roslyn can be made to bind for minutes and looks at its cancellation token only now and then: the limit is a
        // wall-clock one. Any real cell takes longer than a millisecond to bind, so here every compile is past its limit.
        Exercise exercise = Exercises.Get("4.1a");
        CompiledCell compiled = ScriptCompiler.Compile(exercise, ReferenceAnswers.Cell("4.1a"), "cell_slow_" + Guid.NewGuid().ToString("N"), TimeSpan.FromMilliseconds(1));
        Assert.True(compiled.TimedOut && compiled.Assembly is null, string.Join("\n", compiled.Errors));
        Assert.Contains("took longer than", compiled.Errors[0], StringComparison.Ordinal);

        // The same cell with room to compile does compile.
        Assert.NotNull(ScriptCompiler.Compile(exercise, ReferenceAnswers.Cell("4.1a"), "cell_fast_" + Guid.NewGuid().ToString("N"), TimeSpan.FromMinutes(1)).Assembly);
    }

    [Fact]
    public async Task Refused_files_are_refused_with_a_status_and_never_read()
    {
        string root = Directory.CreateTempSubdirectory("course-refused-").FullName;
        string submissions = Path.Combine(root, "class");
        NotebookCells.WriteSubmission(Path.Combine(submissions, "classmate"), e => ReferenceAnswers.Code(e.Id));
        string notebook = Path.GetFileName(Directory.EnumerateFiles(Path.Combine(submissions, "classmate"), "04.5*.ipynb").Single());

        // A symbolic link to the classmate's notebook, a named pipe (reading it would block forever), an oversized notebook.
        Directory.CreateDirectory(Path.Combine(submissions, "symlink"));
        File.CreateSymbolicLink(Path.Combine(submissions, "symlink", notebook), Path.Combine(submissions, "classmate", notebook));
        Directory.CreateDirectory(Path.Combine(submissions, "fifo"));
        using (Process mkfifo = Process.Start("mkfifo", Path.Combine(submissions, "fifo", notebook)))
        {
            await mkfifo.WaitForExitAsync();
        }

        Directory.CreateDirectory(Path.Combine(submissions, "oversized"));
        string big = File.ReadAllText(Path.Combine(submissions, "classmate", notebook));
        File.WriteAllText(Path.Combine(submissions, "oversized", notebook), big.Replace("\"cells\"", "\"padding\": \"" + new string('x', 33 << 20) + "\", \"cells\"", StringComparison.Ordinal));

        IReadOnlyList<StudentResult> results = await ClassGrader.GradeClassAsync(submissions, GradedClass.Options, Path.Combine(root, "out")).WaitAsync(TimeSpan.FromMinutes(3));
        foreach (string student in (string[])["symlink", "fifo", "oversized"])
        {
            ExerciseGrade grade = results.Single(r => r.Student == student).Grades.Single(g => g.ExerciseId == "4.5a");
            Assert.True(grade.Status == GradeStatus.RefusedFile && grade.Points == 0, $"{student}: {grade.Status} {grade.Points}\n{grade.Feedback}");
        }

        Assert.True(results.Single(r => r.Student == "classmate").Grades.Single(g => g.ExerciseId == "4.5a").Points > 0);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task The_frame_reader_turns_any_bytes_into_an_answer_an_end_or_an_InvalidDataException()
    {
        // Random bytes, half of them behind a length header that fits, so the body parser sees garbage too.
        Gen<byte[]> frames = Gen.Select(Gen.Bool, Gen.Byte.Array[0, 300]).Select(p =>
            p.Item1 ? [.. BitConverter.GetBytes(p.Item2.Length), .. p.Item2] : p.Item2);
        frames.Sample(bytes =>
        {
            try
            {
                _ = WorkerFrames.ReadResponseAsync(new MemoryStream(bytes), CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (InvalidDataException)
            {
                // The one way a frame may be refused.
            }
        }, iter: 20_000);

        // And a well-formed frame still reads (the reader is not refusing everything).
        var stream = new MemoryStream();
        var sent = new WorkerResponse(Guid.NewGuid(), ResponseKind.Returned, 42, [], [], "");
        WorkerFrames.Write(stream, sent);
        stream.Position = 0;
        WorkerResponse? read = await WorkerFrames.ReadResponseAsync(stream, CancellationToken.None);
        Assert.Equal(sent.Id, read!.Id);
        Assert.Equal(42, read.Output);
    }
}
