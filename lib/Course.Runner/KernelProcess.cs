using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Course.Runner;

/// <summary>
/// One real dotnet-interactive kernel process in stdio mode: one compact JSON object per line each way.
/// Disposing kills the whole process tree (`dotnet tool run` starts the kernel as a child process).
/// </summary>
public sealed class KernelProcess : IDisposable
{
    private readonly Process process;
    private readonly Channel<JsonObject> events = Channel.CreateUnbounded<JsonObject>();
    private readonly StringBuilder stderr = new();

    private KernelProcess(Process process)
    {
        this.process = process;
        _ = Task.Run(PumpAsync);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (stderr)
                stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
    }

    /// <summary>Everything the kernel wrote to stderr so far (for crash reports).</summary>
    public string StandardError
    {
        get
        {
            lock (stderr)
                return stderr.ToString();
        }
    }

    /// <summary>True once the kernel process has exited (crashed or was killed).</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Starts `dotnet tool run dotnet-interactive -- stdio` from the repository root.</summary>
    /// <param name="repoRoot">Folder holding Course.sln and .config/dotnet-tools.json.</param>
    /// <param name="workingDir">The kernel's working directory (the notebook's folder, as in VS Code).</param>
    public static KernelProcess Start(string repoRoot, string workingDir)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var arg in new[] { "tool", "run", "dotnet-interactive", "--", "stdio", "--default-kernel", "csharp", "--working-dir", workingDir })
            info.ArgumentList.Add(arg);
        // The first-run banner and telemetry notice go to stdout; keep stdout for protocol lines.
        info.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start `dotnet tool run dotnet-interactive`.");
        return new KernelProcess(process);
    }

    /// <summary>Sends one command envelope as a single compact JSON line.</summary>
    public void Send(JsonObject envelope)
    {
        process.StandardInput.WriteLine(envelope.ToJsonString());
        process.StandardInput.Flush();
    }

    /// <summary>Next event envelope, or null when the kernel's stdout closed (the process died).</summary>
    public async Task<JsonObject?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await events.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Kills the kernel and every child process (a compute-bound cell ignores Cancel).</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        process.WaitForExit(5000);
        process.Dispose();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                // The tool may print banners; non-JSON lines are not protocol and are dropped.
                if (!line.StartsWith('{'))
                    continue;
                try
                {
                    if (JsonNode.Parse(line) is JsonObject envelope)
                        events.Writer.TryWrite(envelope);
                }
                catch (JsonException)
                {
                }
            }
        }
        finally
        {
            events.Writer.TryComplete();
        }
    }
}
