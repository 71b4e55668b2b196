using System.Diagnostics;
using System.Text;

namespace Course.Grading;

/// <summary>
/// Runs compiled exercise cells of one student in a child worker process with a wall-clock limit per exercise and a
/// capped GC heap (DOTNET_GCHeapHardLimit). When the child dies or hangs, the exercise it was running gets zero with
/// the reason, and a new child runs the exercises still to do: a crash never costs more than the exercise that caused it.
/// </summary>
public sealed class WorkerClient(GradingOptions options)
{
    /// <summary>Runs <paramref name="tasks"/>; returns one result per task id, whatever happens to the children.</summary>
    public async Task<Dictionary<string, WorkerResult>> RunAsync(IReadOnlyList<WorkerTask> tasks, string workingDirectory)
    {
        var results = new Dictionary<string, WorkerResult>();
        var remaining = tasks.ToList();
        while (remaining.Count > 0)
        {
            int before = remaining.Count;
            await RunChildAsync(remaining, results, workingDirectory);
            remaining = [.. tasks.Where(t => !results.ContainsKey(t.Id))];
            if (remaining.Count == before)
            {
                // The child made no progress at all (it failed to start): give up on the rest rather than loop.
                foreach (WorkerTask t in remaining)
                {
                    results[t.Id] = new WorkerResult(t.Id, 0, GradeStatus.Crashed, "the grading worker could not start; ask the instructor to re-run grading.");
                }

                break;
            }
        }

        return results;
    }

    private async Task RunChildAsync(List<WorkerTask> tasks, Dictionary<string, WorkerResult> results, string workingDirectory)
    {
        string nonce = Guid.NewGuid().ToString("N");
        using Process child = Start(workingDirectory);
        var stderr = new StringBuilder();
        child.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                if (e.Data is not null && Environment.GetEnvironmentVariable("COURSE_GRADER_TRACE") == "1")
                {
                    Console.Error.WriteLine(e.Data);
                }

                if (e.Data is not null && stderr.Length < 8192)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        child.BeginErrorReadLine();
        try
        {
            await child.StandardInput.WriteAsync(WorkerLines.Job(new WorkerJob(nonce, tasks)));
            child.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child died before reading its job; handled below as no progress.
        }

        string? current = null;
        DateTime deadline = DateTime.UtcNow + options.StartupTimeout;
        Task<string?> pending = child.StandardOutput.ReadLineAsync();
        while (true)
        {
            TimeSpan wait = deadline - DateTime.UtcNow;
            Task finished = await Task.WhenAny(pending, Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero));
            if (finished != pending)
            {
                Kill(child);
                if (current is not null)
                {
                    results[current] = new WorkerResult(current, 0, GradeStatus.Timeout,
                        $"stopped after {options.Timeout.TotalSeconds:0.#} s of wall-clock time (an infinite loop, or far too much work?).");
                }

                return;
            }

            string? line = await pending;
            if (line is null)
            {
                await WaitForExitAsync(child);
                if (current is not null)
                {
                    results[current] = Died(current, child, stderr);
                }

                return;
            }

            pending = child.StandardOutput.ReadLineAsync();
            if (!line.StartsWith(nonce + " ", StringComparison.Ordinal))
            {
                continue;
            }

            string message = line[(nonce.Length + 1)..];
            if (message.StartsWith("start ", StringComparison.Ordinal))
            {
                current = message["start ".Length..];
                deadline = DateTime.UtcNow + options.Timeout;
            }
            else if (message.StartsWith("done ", StringComparison.Ordinal))
            {
                WorkerResult result = WorkerLines.ParseResult(message["done ".Length..]);
                results[result.Id] = result;
                current = null;
                deadline = DateTime.UtcNow + options.StartupTimeout;
                if (tasks.All(t => results.ContainsKey(t.Id)))
                {
                    if (!await WaitForExitAsync(child))
                    {
                        Kill(child);
                    }

                    return;
                }
            }
        }
    }

    private WorkerResult Died(string id, Process child, StringBuilder stderr)
    {
        string errors;
        lock (stderr)
        {
            errors = stderr.ToString();
        }

        int code = child.HasExited ? child.ExitCode : -1;
        if (errors.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase))
        {
            return new WorkerResult(id, 0, GradeStatus.Crashed, "stack overflow: the code recursed without end and took the grading process down.");
        }

        if (errors.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase) || code == 137)
        {
            return new WorkerResult(id, 0, GradeStatus.OutOfMemory, $"ran out of memory: the grading process may use {options.MemoryBytes >> 20} MB.");
        }

        string tail = errors.Trim().Split('\n').FirstOrDefault(l => l.Length > 0)?.Trim() ?? "";
        return new WorkerResult(id, 0, GradeStatus.Crashed,
            $"the grading process ended (exit code {code}) while running this exercise; does the code call Environment.Exit?{(tail.Length > 0 ? " stderr: " + tail : "")}");
    }

    private Process Start(string workingDirectory)
    {
        string workerDll = typeof(Worker).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("exec");
        foreach (string arg in HostArguments(workerDll))
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(workerDll);
        start.ArgumentList.Add("worker");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + options.MemoryBytes.ToString("X");
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_gcConcurrent"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the grading worker");
    }

    private static IEnumerable<string> HostArguments(string workerDll)
    {
        // Next to Course.Grader.dll in its own output there is its runtimeconfig and deps; when the grader is a
        // referenced library (in the test project's output), use the host application's instead.
        string config = Path.ChangeExtension(workerDll, ".runtimeconfig.json");
        if (File.Exists(config))
        {
            yield break;
        }

        string? dir = Path.GetDirectoryName(workerDll);
        string? hostConfig = Directory.EnumerateFiles(dir!, "*.runtimeconfig.json").FirstOrDefault(f => !f.Contains("testhost", StringComparison.OrdinalIgnoreCase));
        if (hostConfig is not null)
        {
            yield return "--runtimeconfig";
            yield return hostConfig;
            string deps = hostConfig.Replace(".runtimeconfig.json", ".deps.json", StringComparison.Ordinal);
            if (File.Exists(deps))
            {
                yield return "--depsfile";
                yield return deps;
            }
        }
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static async Task<bool> WaitForExitAsync(Process child)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await child.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static void Kill(Process child)
    {
        try
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
