using System.Runtime.InteropServices;

namespace Course.Grader.Worker;

/// <summary>
/// Closes the file descriptors the worker inherited from whoever started it, except those it must keep (stdio and
/// its two pipes), before any student code is loaded. Inherited ones are exactly those without close-on-exec: the
/// runtime opens its own with it, and any descriptor that had it did not survive the exec.
/// </summary>
internal static class InheritedDescriptors
{
    private const int GetDescriptorFlags = 1;   // F_GETFD
    private const int CloseOnExec = 1;          // FD_CLOEXEC

    /// <summary>Closes every inherited descriptor not in <paramref name="keep"/>; returns how many it closed.</summary>
    public static int CloseAllBut(IReadOnlySet<int> keep)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self/fd"))
        {
            return 0;
        }

        // List first, then close: the listing holds a descriptor of its own while it runs.
        int[] open = [.. Directory.GetFileSystemEntries("/proc/self/fd").Select(p => int.TryParse(Path.GetFileName(p), out int fd) ? fd : -1).Where(fd => fd >= 0)];
        int closed = 0;
        foreach (int fd in open)
        {
            if (keep.Contains(fd))
            {
                continue;
            }

            int flags = Fcntl(fd, GetDescriptorFlags, 0);
            if (flags >= 0 && (flags & CloseOnExec) == 0 && Close(fd) == 0)
            {
                closed++;
            }
        }

        return closed;
    }

    // Plain int signatures marshal as they are: DllImport needs no generated (unsafe) stubs.
    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int Fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
