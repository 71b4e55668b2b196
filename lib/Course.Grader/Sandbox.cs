using System.Diagnostics;

namespace Course.Grader;

/// <summary>
/// How a worker process is started, and what it can see. Always: its own working folder (holding only the student's
/// compiled cells), a scrubbed environment, a capped GC heap. On Linux where unprivileged user namespaces work
/// (<c>unshare</c> from util-linux, no root needed): a new user, network, PID and mount namespace — no network (only a
/// down loopback), no view of other processes, the submissions, output and other students' folders hidden under
/// empty tmpfs mounts, and every process the student starts ended by the kernel when the worker ends.
/// Elsewhere the worker runs under <c>setsid</c> as its own process group, which the grader kills as a whole.
/// </summary>
public static class Sandbox
{
    private static readonly Lazy<bool> NamespacesWork = new(() => Probe("unshare", "-r", "-n", "-p", "-f", "-m", "--mount-proc", "--kill-child=SIGKILL", "true"));
    private static readonly Lazy<bool> SetsidWorks = new(() => Probe("setsid", "true"));

    /// <summary>True when workers run in their own namespaces (see the class summary).</summary>
    public static bool Isolated => NamespacesWork.Value;

    /// <summary>What the grading run's containment is, in one line for reports and logs.</summary>
    public static string Description => Isolated
        ? "user+network+PID+mount namespaces (no network, no other processes, submissions and outputs hidden)"
        : SetsidWorks.Value ? "own process group (no namespaces available: network and files are not isolated)" : "plain child process";

    /// <summary>
    /// A start description for <paramref name="command"/> in <paramref name="workingFolder"/>, contained as the class
    /// summary says, with only <paramref name="environment"/> in its environment and <paramref name="hidden"/> hidden.
    /// </summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> command, string workingFolder, IReadOnlyDictionary<string, string> environment, IEnumerable<string> hidden)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingFolder,
        };
        var args = new List<string>();
        if (Isolated)
        {
            // sh mounts an empty tmpfs over each hidden folder, mounts the worker's own folder (still its working
            // directory, whatever now covers its path) back at its path, makes every other mount read-only (root in the
            // namespace is root on the files), and becomes the worker.
            start.FileName = "unshare";
            args.AddRange(["-r", "-n", "-p", "-f", "-m", "--mount-proc", "--kill-child=SIGKILL", "sh", "-c",
                "own=\"$1\"; shift; while [ \"$1\" != -- ]; do [ -d \"$1\" ] && mount -t tmpfs -o size=1m,mode=0555 tmpfs \"$1\"; shift; done; shift; " +
                "mkdir -p \"$own\" && mount --no-canonicalize --bind /proc/self/cwd \"$own\" && cd \"$own\" || exit 97; " +
                "for m in $(findmnt -rno TARGET | sort -u); do case \"$m\" in \"$own\"|/proc*|/dev*|/sys*) ;; *) mount -o remount,bind,ro \"$m\" 2>/dev/null;; esac; done; " +
                "exec \"$@\"", "sh", Path.GetFullPath(workingFolder)]);
            args.AddRange(hidden.Where(Directory.Exists).Select(Path.GetFullPath).Distinct());
            args.Add("--");
        }
        else if (SetsidWorks.Value)
        {
            start.FileName = "setsid";
        }

        args.AddRange(command);
        if (string.IsNullOrEmpty(start.FileName))
        {
            start.FileName = args[0];
            args.RemoveAt(0);
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Ends <paramref name="process"/> and everything it started.</summary>
    public static void KillAll(Process process)
    {
        try
        {
            if (!Isolated && SetsidWorks.Value && !process.HasExited)
            {
                // setsid made the worker a process-group leader: end the whole group, even children it re-parented.
                Probe("kill", "-KILL", "--", "-" + process.Id);
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static bool Probe(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in arguments)
            {
                start.ArgumentList.Add(a);
            }

            using Process p = Process.Start(start)!;
            p.WaitForExit(10_000);
            return p.HasExited && p.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }
}
