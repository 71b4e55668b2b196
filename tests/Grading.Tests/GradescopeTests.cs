using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Attention;
using Course.Grading;
using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// The Gradescope package, built by the same code as <c>Course.Grader gradescope DIR --assignment FILE</c>, unpacked into a
/// simulated /autograder layout (a temporary folder as AUTOGRADER_ROOT) and run on sample students by its own run_autograder:
/// the results cover exactly the assignment's exercises, out of its points.
/// </summary>
public class GradescopeTests
{
    [Fact]
    public async Task The_package_grades_one_submission_into_results_json_in_the_autograder_layout()
    {
        string root = Directory.CreateTempSubdirectory("course-gradescope-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);   // like /autograder: the box's user can read the packaged runtime
        }
        string assignmentFile = Path.Combine(RepositoryRoot(), "assignments", "week5-decoding.json");
        Assignment assignment = Assignment.Load(assignmentFile, Exercises.All);
        string zip = GradescopePackage.Build(Path.Combine(RepositoryRoot(), "lib", "Course.Grader", "Course.Grader.csproj"), Path.Combine(root, "package"), assignmentFile);
        Assert.Equal(["autograder.zip"], Directory.EnumerateFileSystemEntries(Path.Combine(root, "package")).Select(Path.GetFileName));
        using (ZipArchive archive = ZipFile.OpenRead(zip))
        {
            Assert.Contains(archive.Entries, e => e.FullName == "setup.sh");
            Assert.Contains(archive.Entries, e => e.FullName == "run_autograder");
            Assert.Contains(archive.Entries, e => e.FullName == "assignment.json");
            Assert.Contains(archive.Entries, e => e.FullName == "dotnet/dotnet");   // its own runtime: nothing to install or download
            Assert.Contains(archive.Entries, e => e.Name == "Course.Solutions.dll");   // it judges the hidden cases
        }

        // A student who answered everything gets the assignment's points; one who answered only 5.1 gets 5.1's.
        double full = assignment.Points;
        var partial = Exercises.All.Where(e => e.Notebook == "05.1").Select(e => e.Id).ToHashSet();
        double partialPoints = Exercises.All.Where(e => partial.Contains(e.Id)).Sum(e => e.Points);
        foreach (var (name, answer, expected) in new (string, Func<Exercise, string?>, double)[]
                 {
                     ("complete", e => ReferenceAnswers.Code(e.Id), full),
                     ("partial", e => partial.Contains(e.Id) ? ReferenceAnswers.Code(e.Id) : null, partialPoints),
                 })
        {
            string autograder = Path.Combine(root, name, "autograder");
            ZipFile.ExtractToDirectory(zip, Path.Combine(autograder, "source"));
            NotebookCells.WriteSubmission(Path.Combine(autograder, "submission"), answer);

            // As the platform does: unpack into an empty folder, run setup.sh once, then run_autograder.
            string output = "";
            foreach (string script in (string[])["setup.sh", "run_autograder"])
            {
                var run = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                run.ArgumentList.Add(Path.Combine(autograder, "source", script));
                run.Environment["AUTOGRADER_ROOT"] = autograder;
                run.Environment.Remove("DOTNET_ROOT");
                run.Environment.Remove("DOTNET_HOST_PATH");
                using Process p = Process.Start(run)!;
                Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
                output = await stdout + await stderr;
                Assert.True(p.ExitCode == 0, $"{script}: {output}");
            }

            // The grader ran on the package's runtime, not the machine's.
            Assert.Contains($"runtime: {Path.Combine(autograder, "source", "dotnet", "shared", "Microsoft.NETCore.App")}", output, StringComparison.Ordinal);

            using JsonDocument results = JsonDocument.Parse(File.ReadAllText(Path.Combine(autograder, "results", "results.json")));
            Assert.Equal(expected, results.RootElement.GetProperty("score").GetDouble());
            Assert.Equal(assignment.Exercises.Select(e => e.Id), results.RootElement.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("name").GetString()!.Split(' ')[0]));
            Assert.Equal(full, results.RootElement.GetProperty("tests").EnumerateArray().Sum(t => t.GetProperty("max_score").GetDouble()));
        }

        Directory.Delete(root, recursive: true);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Course.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }
}
