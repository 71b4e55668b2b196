namespace Course.Grading;

/// <summary>What the grader asks a worker process to run: compiled exercise cells, in order.</summary>
/// <param name="Nonce">Prefix of every protocol line, so output the student's code writes to stdout is never mistaken for a result.</param>
/// <param name="Tasks">The exercises to run.</param>
public sealed record WorkerJob(string Nonce, IReadOnlyList<WorkerTask> Tasks);

/// <summary>One compiled exercise cell for the worker to load and grade.</summary>
/// <param name="Id">Exercise id.</param>
/// <param name="AssemblyPath">The compiled cell.</param>
/// <param name="EntryType">Script class name.</param>
/// <param name="EntryMethod">Script factory method name.</param>
public sealed record WorkerTask(string Id, string AssemblyPath, string EntryType, string EntryMethod);

/// <summary>What a worker reports for one exercise.</summary>
/// <param name="Id">Exercise id.</param>
/// <param name="Score">Points earned.</param>
/// <param name="Status">Gradebook status (passed, partial, failed, not-attempted, out-of-memory).</param>
/// <param name="Text">The check-cell text: header and one ✓/✗ line per case, or why nothing ran.</param>
public sealed record WorkerResult(string Id, double Score, string Status, string Text);

/// <summary>
/// The line format between grader and worker: plain tab-separated text (no serializer to load and JIT in every
/// child). Free text travels base64-encoded so it can hold tabs and newlines.
/// </summary>
public static class WorkerLines
{
    /// <summary>The job as lines: the nonce, then one line per task.</summary>
    public static string Job(WorkerJob job) =>
        job.Nonce + "\n" + string.Concat(job.Tasks.Select(t => $"{t.Id}\t{t.AssemblyPath}\t{t.EntryType}\t{t.EntryMethod}\n")) + "\n";

    /// <summary>Reads a job written by <see cref="Job"/>; an empty line ends it.</summary>
    public static WorkerJob ReadJob(TextReader reader)
    {
        string nonce = reader.ReadLine() ?? throw new InvalidOperationException("no job on stdin");
        var tasks = new List<WorkerTask>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            string[] f = line.Split('\t');
            tasks.Add(new WorkerTask(f[0], f[1], f[2], f[3]));
        }

        return new WorkerJob(nonce, tasks);
    }

    /// <summary>A result as one line.</summary>
    public static string Result(WorkerResult r) =>
        $"{r.Id}\t{r.Status}\t{r.Score.ToString(System.Globalization.CultureInfo.InvariantCulture)}\t{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(r.Text))}";

    /// <summary>Parses a line written by <see cref="Result"/>.</summary>
    public static WorkerResult ParseResult(string line)
    {
        string[] f = line.Split('\t');
        return new WorkerResult(f[0], double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), f[1],
            System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(f[3])));
    }
}
