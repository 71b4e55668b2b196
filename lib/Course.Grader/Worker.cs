using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Attention;

namespace Course.Grading;

/// <summary>
/// The child process that runs student code: reads one <see cref="WorkerJob"/> line from stdin, then for each task
/// writes "nonce start id", runs the exercise's graded cases (the same <see cref="Exercise.Run"/> a check cell calls)
/// and writes "nonce done {json}". Whatever the student's code does to this process (loop, overflow the stack, exit,
/// exhaust its capped heap) the grader sees as a missing "done" line and handles from outside.
/// </summary>
public static class Worker
{
    /// <summary>Runs the worker loop on this process's stdin/stdout; returns the exit code.</summary>
    public static int Run()
    {
        var protocol = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        WorkerJob job = WorkerLines.ReadJob(Console.In);

        // Student code may print; it must not reach the protocol stream.
        Console.SetOut(TextWriter.Null);
        Console.SetIn(TextReader.Null);
        protocol.WriteLine($"{job.Nonce} ready");
        TraceTime("ready");
        foreach (WorkerTask task in job.Tasks)
        {
            protocol.WriteLine($"{job.Nonce} start {task.Id}");
            WorkerResult result = RunTask(task);
            TraceTime(task.Id);
            protocol.WriteLine($"{job.Nonce} done {WorkerLines.Result(result)}");
        }

        protocol.Flush();
        // Exit even if the student's code left foreground threads running.
        Environment.Exit(0);
        return 0;
    }

    private static void TraceTime(string what)
    {
        if (Environment.GetEnvironmentVariable("COURSE_GRADER_TRACE") == "1")
        {
            Console.Error.WriteLine($"worker {Environment.ProcessId} {what} at {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms");
        }
    }

    private static WorkerResult RunTask(WorkerTask task)
    {
        Exercise exercise = Exercises.Get(task.Id);
        Delegate solution;
        try
        {
            Assembly assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(task.AssemblyPath);
            solution = Solution(assembly, task.EntryType, task.EntryMethod);
        }
        catch (Exception e)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            string status = inner is OutOfMemoryException ? GradeStatus.OutOfMemory : GradeStatus.Failed;
            return new WorkerResult(task.Id, 0, status,
                $"the exercise cell's top-level code threw {inner.GetType().Name}: {inner.Message.Split('\n')[0]}");
        }

        ExerciseReport report = exercise.Run(solution);
        return new WorkerResult(task.Id, report.Score, StatusOf(report), report.ToText());
    }

    /// <summary>
    /// Runs a compiled exercise cell's top-level code (the script factory) and returns the delegate its trailing
    /// expression produces: the student's function.
    /// </summary>
    public static Delegate Solution(Assembly assembly, string entryType, string entryMethod)
    {
        MethodInfo factory = assembly.GetType(entryType, throwOnError: true)!
            .GetMethod(entryMethod, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!;

        // Slot 0 is the script's globals object (none), slot 1 this submission.
        var run = (Task<object>)factory.Invoke(null, [new object?[2]])!;
        return (Delegate)run.GetAwaiter().GetResult();
    }

    /// <summary>The gradebook status of a report.</summary>
    public static string StatusOf(ExerciseReport report) =>
        report.Problem is not null ? GradeStatus.Failed
        : report.NotAttempted ? GradeStatus.NotAttempted
        : report.PassedCount == report.Cases.Count ? GradeStatus.Passed
        : report.Cases.Any(c => c.OutOfMemory) ? GradeStatus.OutOfMemory
        : report.PassedCount > 0 ? GradeStatus.Partial
        : GradeStatus.Failed;
}
