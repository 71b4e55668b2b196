using System.Diagnostics;
using System.IO.Compression;

namespace Course.Grader;

/// <summary>
/// A Gradescope autograder: <c>setup.sh</c> and <c>run_autograder</c> at the root of a zip, with the published grader
/// beside them. Gradescope unpacks it into /autograder/source, runs setup.sh once, then for each submission
/// run_autograder, which grades /autograder/submission into /autograder/results/results.json. AUTOGRADER_ROOT moves
/// the whole layout elsewhere (the tests use a temporary folder).
/// </summary>
public static class GradescopePackage
{
    /// <summary>
    /// setup.sh: nothing to download. The package carries its own .NET runtime (source/dotnet); the box needs util-linux's
    /// unshare, part of every Ubuntu image (installed only if missing).
    /// </summary>
    public const string Setup = """
        #!/usr/bin/env bash
        # Gradescope runs this once when it builds the autograder image.
        set -euo pipefail
        root="${AUTOGRADER_ROOT:-/autograder}"
        chmod +x "$root/source/dotnet/dotnet" "$root/source/run_autograder"
        "$root/source/dotnet/dotnet" --list-runtimes | grep -q 'Microsoft.NETCore.App 10\.'
        # unshare (util-linux) lets the grader isolate each submission's worker; it is part of every Ubuntu image.
        command -v unshare >/dev/null || apt-get install -y util-linux

        """;

    /// <summary>run_autograder: grade the one submission, write results.json.</summary>
    public const string RunAutograder = """
        #!/usr/bin/env bash
        # Gradescope runs this for every submission; AUTOGRADER_ROOT (default /autograder) is where its layout is.
        set -u
        root="${AUTOGRADER_ROOT:-/autograder}"
        mkdir -p "$root/results"
        # The package's own runtime, for the grader and its workers: nothing is installed or downloaded at grading time.
        export DOTNET_ROOT="$root/source/dotnet" DOTNET_HOST_PATH="$root/source/dotnet/dotnet"
        export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
        assignment=()
        [ -f "$root/source/assignment.json" ] && assignment=(--assignment "$root/source/assignment.json")
        exec "$DOTNET_HOST_PATH" "$root/source/grader/Course.Grader.dll" grade-one "$root/submission" "$root/results/results.json" "${assignment[@]}"

        """;

    /// <summary>
    /// Builds the package of the grader project at <paramref name="graderProject"/> into <paramref name="target"/> (which then
    /// holds only autograder.zip); returns the zip's path. With <paramref name="assignmentFile"/>, the package grades that
    /// assignment's exercises only.
    /// </summary>
    public static string Build(string graderProject, string target, string? assignmentFile = null)
    {
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        // Staged outside the target, so nothing but the zip is left there.
        string source = Directory.CreateTempSubdirectory("course-gradescope-").FullName;
        try
        {
            return Package(graderProject, target, source, assignmentFile);
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    private static string Package(string graderProject, string target, string source, string? assignmentFile)
    {
        if (assignmentFile is not null)
        {
            File.Copy(assignmentFile, Path.Combine(source, "assignment.json"));
        }

        var publish = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "publish", graderProject, "-c", "Release", "-o", Path.Combine(source, "grader"), "--nologo", "-v", "q" })
        {
            publish.ArgumentList.Add(a);
        }

        using (Process p = Process.Start(publish)!)
        {
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish {graderProject} failed: {output}");
            }
        }

        // The reference answers stay in: they judge the hidden cases. The package is the instructor's upload, never shown to
        // students, and the worker that runs a submission is hidden from the grader's folder.
        File.WriteAllText(Path.Combine(source, "setup.sh"), Setup.ReplaceLineEndings("\n"));
        File.WriteAllText(Path.Combine(source, "run_autograder"), RunAutograder.ReplaceLineEndings("\n"));
        foreach (string script in new[] { "setup.sh", "run_autograder" })
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(source, script), (UnixFileMode)0b111_101_101);
            }
        }

        CopyRuntime(Path.Combine(source, "dotnet"));
        string zip = Path.Combine(target, "autograder.zip");
        ZipFile.CreateFromDirectory(source, zip);
        return zip;
    }

    // The runtime this grader runs on: the dotnet host, its hostfxr and Microsoft.NETCore.App, as a private DOTNET_ROOT.
    private static void CopyRuntime(string target)
    {
        var framework = new DirectoryInfo(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/', '\\'));
        string root = framework.Parent!.Parent!.Parent!.FullName;
        string host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        string fxr = Directory.EnumerateDirectories(Path.Combine(root, "host", "fxr")).OrderBy(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out Version? v) ? v : new Version()).Last();
        if (!File.Exists(host))
        {
            throw new FileNotFoundException($"no dotnet host beside the runtime {framework.FullName}: the Gradescope package carries its runtime from there.", host);
        }

        CopyTree(framework.FullName, Path.Combine(target, "shared", "Microsoft.NETCore.App", framework.Name));
        CopyTree(fxr, Path.Combine(target, "host", "fxr", Path.GetFileName(fxr)));
        File.Copy(host, Path.Combine(target, Path.GetFileName(host)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(target, Path.GetFileName(host)), (UnixFileMode)0b111_101_101);
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }
}
