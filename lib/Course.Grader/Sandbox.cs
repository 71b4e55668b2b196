using System.Diagnostics;

namespace Course.Grader;

/// <summary>
/// How a worker process is started, and what it can see. Always: its own working folder, a scrubbed environment, a
/// capped GC heap. On Linux where user namespaces work (util-linux <c>unshare</c>, <c>setpriv</c>, <c>prlimit</c>), the
/// locked box: the worker runs as an unprivileged user (a grader running as root first becomes <c>nobody</c>, so the
/// namespace's root maps to nobody, never to root) in new user, network, PID and mount namespaces, with no
/// capabilities left when it starts. It has no network, sees no other process, sees a minimal <c>/dev</c> (null, zero,
/// random, urandom, an empty 1 MiB <c>/dev/shm</c>), an empty <c>/sys</c>, a read-only <c>/proc/sys</c>, the
/// submissions, outputs and the grader hidden under empty mounts, every other mount read-only, and may write only to
/// its own size-capped scratch folder; rlimits cap open files, processes, file size and core dumps. Every process it
/// starts is ended by the kernel with it. The worker closes every inherited descriptor but its two pipes before it
/// loads student code. Elsewhere the worker runs under <c>setsid</c> as its own process group, and the reports say so.
/// </summary>
public static class Sandbox
{
    /// <summary>The scratch folder's size: files a cell writes count against it.</summary>
    public const int ScratchMegabytes = 16;

    // The box, as a script run by sh inside the new namespaces (still with the namespace's capabilities):
    // $1 = the worker's folder, then the hidden folders up to --, then the worker's command.
    private static readonly string BoxScript = string.Join("\n",
        "set -e",
        "own=\"$1\"; shift",
        "while [ \"$1\" != -- ]; do if [ -d \"$1\" ]; then mount -n -t tmpfs -o size=1m,mode=0555 tmpfs \"$1\"; fi; shift; done; shift",
        // The worker's own folder is a fresh size-capped tmpfs: the only place it can write.
        "mkdir -p \"$own\"; mount -n -t tmpfs -o size=" + ScratchMegabytes + "m,mode=0700 tmpfs \"$own\"; cd \"$own\"",
        // A minimal /dev, built on a staging tmpfs and moved over the real one.
        "mount -n -t tmpfs -o size=64k,mode=0755 tmpfs /dev/shm; mkdir /dev/shm/d; mount -n -t tmpfs -o size=64k,mode=0755 tmpfs /dev/shm/d",
        "for n in null zero random urandom; do touch /dev/shm/d/$n; mount -n --bind /dev/$n /dev/shm/d/$n; done",
        "mkdir /dev/shm/d/shm; ln -s /proc/self/fd /dev/shm/d/fd",
        "mount -n --move /dev/shm/d /dev; mount -n -t tmpfs -o size=1m,mode=1777 tmpfs /dev/shm; mount -n -o remount,bind,ro /dev",
        "mount -n -t tmpfs -o size=4k,mode=0555,ro tmpfs /sys",
        "mount -n --bind /proc/sys /proc/sys; mount -n -o remount,bind,ro /proc/sys",
        // Every other mount read-only (the namespace's root could otherwise write files it owns).
        "for m in $(findmnt -rno TARGET | sort -u); do case \"$m\" in \"$own\"|/proc|/proc/*|/dev|/dev/*|/sys) ;; *) mount -n -o remount,bind,ro \"$m\" 2>/dev/null || true;; esac; done",
        // No capabilities survive the exec, and none can be regained.
        "exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- prlimit --nofile=256 --nproc=2048 --fsize=" + (ScratchMegabytes << 20) + " --core=0 -- \"$@\"");

    private static readonly Lazy<bool> BoxWorks = new(ProbeBox);
    private static readonly Lazy<bool> SetsidWorks = new(() => Probe(["setsid", "true"]));

    /// <summary>True when workers run in the locked box (see the class summary).</summary>
    public static bool Isolated => BoxWorks.Value;

    /// <summary>What the grading run's containment is, in one line for reports and logs.</summary>
    public static string Description => Isolated
        ? $"locked box: {(Environment.IsPrivilegedProcess ? "user nobody" : "an unprivileged user")} without capabilities in user+network+PID+mount namespaces "
          + $"(no network, no other processes, minimal /dev, no /sys, read-only /proc/sys, {ScratchMegabytes} MiB scratch, rlimits; submissions and outputs hidden)"
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
        List<string> args = Isolated ? BoxCommand(workingFolder, hidden, command)
            : SetsidWorks.Value ? ["setsid", .. command] : [.. command];
        start.FileName = args[0];
        foreach (string arg in args.Skip(1))
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

    private static List<string> BoxCommand(string workingFolder, IEnumerable<string> hidden, IReadOnlyList<string> command)
    {
        List<string> args = Environment.IsPrivilegedProcess
            ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
            : [];
        args.AddRange(["unshare", "-r", "-n", "-p", "-f", "-m", "--mount-proc", "--kill-child=SIGKILL", "sh", "-c", BoxScript, "sh", Path.GetFullPath(workingFolder)]);
        args.AddRange(hidden.Where(Directory.Exists).Select(Path.GetFullPath).Distinct());
        args.Add("--");
        args.AddRange(command);
        return args;
    }

    /// <summary>Ends <paramref name="process"/> and everything it started.</summary>
    public static void KillAll(Process process)
    {
        try
        {
            if (!Isolated && SetsidWorks.Value && !process.HasExited)
            {
                // setsid made the worker a process-group leader: end the whole group, even children it re-parented.
                Probe(["kill", "-KILL", "--", "-" + process.Id]);
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    // The whole box, once: if any step fails on this machine (no user namespaces, a missing tool), workers are not boxed.
    private static bool ProbeBox()
    {
        string folder = Directory.CreateTempSubdirectory("course-box-probe-").FullName;
        try
        {
            // The folder is private to the grader's user: hidden under the box's own mount, as the class work folder is.
            return Probe(BoxCommand(Path.Combine(folder, "own"), [folder], ["sh", "-c", "[ ! -w /sys ] && [ -c /dev/null ] && echo ok > probe && [ -s probe ]"]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool Probe(IReadOnlyList<string> command)
    {
        try
        {
            var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in command.Skip(1))
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
