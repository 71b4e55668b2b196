using System.Diagnostics;
using System.IO.Pipes;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Course.Grader;

/// <summary>
/// One running worker: a child process (contained by <see cref="Sandbox"/>) and the two anonymous pipes the grader
/// talks to it on. Requests go one at a time; each answer must carry the request's fresh id and arrive before the
/// deadline, or the worker is ended.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    // Pipe handles are inheritable while a worker starts: one start at a time, so no other child inherits them.
    private static readonly Lock StartGate = new();

    private readonly Process process;
    private readonly AnonymousPipeServerStream requests;
    private readonly AnonymousPipeServerStream responses;
    private BoundedCapture? stderr;
    private BoundedCapture? stdout;

    private WorkerProcess(Process process, AnonymousPipeServerStream requests, AnonymousPipeServerStream responses)
    {
        this.process = process;
        this.requests = requests;
        this.responses = responses;
    }

    /// <summary>Starts a worker in <paramref name="folder"/> with the heap cap of <paramref name="options"/>.</summary>
    public static WorkerProcess Start(string folder, GradingOptions options, IEnumerable<string> hidden)
    {
        string workerDll = Path.Combine(WorkerFolder, "Course.Grader.Worker.dll");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = folder,
            ["TMPDIR"] = folder,
            ["LANG"] = "C.UTF-8",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_GCHeapHardLimit"] = "0x" + options.MemoryBytes.ToString("X"),
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_gcConcurrent"] = "0",
            ["DOTNET_TieredPGO"] = "0",
            ["DOTNET_DbgEnableMiniDump"] = "0",
        };
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root)
        {
            environment["DOTNET_ROOT"] = root;
        }

        // A machine without ICU (a slim grading image) runs the grader in invariant mode: its workers must too.
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT") is { Length: > 0 } invariant)
        {
            environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = invariant;
        }

        List<string> command = [DotnetHost(), "exec", workerDll];
        // The grader's own folder (exercises, reference answers, compiler) is hidden with the rest.
        ProcessStartInfo start = Sandbox.StartInfo(command, folder, environment, [.. hidden, AppContext.BaseDirectory, Path.GetDirectoryName(typeof(WorkerProcess).Assembly.Location)!]);
        start.StandardOutputEncoding = Encoding.UTF8;
        start.StandardErrorEncoding = Encoding.UTF8;
        lock (StartGate)
        {
            var requests = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.Inheritable);
            var responses = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("could not start the grading worker");
            }
            finally
            {
                requests.DisposeLocalCopyOfClientHandle();
                responses.DisposeLocalCopyOfClientHandle();
            }

            // Both streams are drained in fixed chunks with a small head kept: a flood costs one buffer, never a line's worth of memory.
            var worker = new WorkerProcess(process, requests, responses)
            {
                stderr = new BoundedCapture(process.StandardError.BaseStream),
                stdout = new BoundedCapture(process.StandardOutput.BaseStream),
            };
            try
            {
                process.StandardInput.WriteLine($"{requests.GetClientHandleAsString()} {responses.GetClientHandleAsString()}");
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It died at once; the first request finds that out.
            }

            return worker;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and waits for its answer until <paramref name="deadline"/>. Returns the answer, or
    /// no answer and the failure (timeout, death, or a message out of turn), after ending the worker.
    /// </summary>
    public async Task<(WorkerResponse? Response, WorkerFailure? Failure)> AskAsync(WorkerRequest request, DateTime deadline, TimeSpan limit)
    {
        try
        {
            WorkerFrames.Write(requests, request);
        }
        catch (IOException)
        {
            return (null, Died());
        }

        using var cancel = new CancellationTokenSource();
        Task<WorkerResponse?> read = WorkerFrames.ReadResponseAsync(responses, cancel.Token);
        TimeSpan wait = deadline - DateTime.UtcNow;
        if (await Task.WhenAny(read, Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero)) != read)
        {
            Kill();
            cancel.Cancel();
            return (null, new WorkerFailure(GradeStatus.Timeout, $"stopped after {limit.TotalSeconds:0.#} s of wall-clock time (an infinite loop, or far too much work?)."));
        }

        WorkerResponse? response;
        try
        {
            response = await read;
        }
        catch (Exception e)
        {
            // Whatever the bytes were — short, oversized, malformed or out of range — they cost this exercise only.
            Kill();
            return (null, new WorkerFailure(GradeStatus.Crashed, $"the grading process sent an unreadable answer ({e.GetType().Name}: {e.Message})."));
        }

        if (response is null)
        {
            return (null, Died());
        }

        if (response.Id != request.Id)
        {
            Kill();
            return (null, new WorkerFailure(GradeStatus.Crashed, "the grading process answered out of turn (a message for another request): it was stopped."));
        }

        return (response, null);
    }

    /// <summary>Ends the worker and everything it started.</summary>
    public void Kill() => Sandbox.KillAll(process);

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        requests.Dispose();
        responses.Dispose();
        process.Dispose();
    }

    /// <summary>Bytes the worker wrote to stdout and stderr so far (kept or not).</summary>
    public long OutputBytes => (stdout?.TotalBytes ?? 0) + (stderr?.TotalBytes ?? 0);

    private WorkerFailure Died()
    {
        process.WaitForExit(5000);
        Kill();
        process.WaitForExit(5000);
        string errors = stderr?.Text(TimeSpan.FromSeconds(2)) ?? "";

        int code = process.HasExited ? process.ExitCode : -1;
        if (errors.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase))
        {
            return new WorkerFailure(GradeStatus.Crashed, "stack overflow: the code recursed without end and took the grading process down.");
        }

        if (errors.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase) || code == 137)
        {
            return new WorkerFailure(GradeStatus.OutOfMemory, "ran out of memory: the grading process has a capped heap.");
        }

        string tail = errors.Trim().Split('\n').FirstOrDefault(l => l.Length > 0)?.Trim() ?? "";
        return new WorkerFailure(GradeStatus.Crashed,
            $"the grading process ended (exit code {code}) while running this exercise; does the code call Environment.Exit?{(tail.Length > 0 ? " stderr: " + tail : "")}");
    }

    /// <summary>
    /// The worker's own folder: its DLL and the assemblies it references (the course library and its packages), and a
    /// runtimeconfig, copied once per build of the grader. The worker runs from there, so nothing of the grader — not
    /// the exercises, the reference answers or the compiler beside it — is in its folder; the grader's folder is hidden.
    /// </summary>
    public static string WorkerFolder => Folder.Value;

    private static readonly Lazy<string> Folder = new(() =>
    {
        Assembly worker = typeof(Course.Grader.Worker.Worker).Assembly;
        string source = Path.GetDirectoryName(worker.Location)!;
        var files = new SortedSet<string>(StringComparer.Ordinal) { Path.GetFileName(worker.Location) };
        var pending = new Stack<AssemblyName>(worker.GetReferencedAssemblies());
        while (pending.Count > 0)
        {
            AssemblyName name = pending.Pop();
            string file = name.Name + ".dll";
            if (File.Exists(Path.Combine(source, file)) && files.Add(file))
            {
                foreach (AssemblyName next in Assembly.LoadFrom(Path.Combine(source, file)).GetReferencedAssemblies())
                {
                    pending.Push(next);
                }
            }
        }

        string stamp = string.Concat(files.Select(f => $"{f}:{new FileInfo(Path.Combine(source, f)).Length}:{File.GetLastWriteTimeUtc(Path.Combine(source, f)).Ticks};"));
        string target = Path.Combine(Path.GetTempPath(), "course-grader-worker", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(stamp)))[..16]);
        if (!File.Exists(Path.Combine(target, "ready")))
        {
            Directory.CreateDirectory(target);
            foreach (string file in files)
            {
                File.Copy(Path.Combine(source, file), Path.Combine(target, file), overwrite: true);
            }

            string framework = RuntimeInformation.FrameworkDescription.Split(' ')[^1];
            File.WriteAllText(Path.Combine(target, "Course.Grader.Worker.runtimeconfig.json"),
                "{\"runtimeOptions\":{\"tfm\":\"net10.0\",\"framework\":{\"name\":\"Microsoft.NETCore.App\",\"version\":\"" + framework + "\"}}}");
            File.WriteAllText(Path.Combine(target, "ready"), stamp);
        }

        return target;
    });

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
}

/// <summary>Why a worker gave no answer.</summary>
/// <param name="Status">Gradebook status (timeout, crashed, out-of-memory).</param>
/// <param name="Message">The feedback.</param>
public sealed record WorkerFailure(string Status, string Message);
