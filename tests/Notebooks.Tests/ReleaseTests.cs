using System.Text;
using System.Text.RegularExpressions;
using Attention;
using Course.Grading;
using Course.Runner;
using Course.Solutions;

namespace Notebooks.Tests;

/// <summary>
/// The student release (<c>Course.Authoring release DIR</c>): no reference answer in any of its files or in the
/// assemblies it builds (nor in the Attention.Exercises.dll the notebooks here load), and a notebook of it runs in the
/// real kernel on its own — building its library — with every check reporting "not attempted".
/// </summary>
[Collection("kernel")]
public partial class ReleaseTests
{
    [Fact]
    public async Task The_release_holds_no_reference_answer_and_its_notebooks_run_in_the_real_kernel()
    {
        string release = Path.Combine(Directory.CreateTempSubdirectory("course-release-").FullName, "course");
        StudentRelease.Write(Paths.Root, release);
        Assert.False(Directory.Exists(Path.Combine(release, "lib", "Course.Solutions")));

        var textFiles = Directory.EnumerateFiles(release, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".dll", StringComparison.Ordinal) && !f.EndsWith(".png", StringComparison.Ordinal)).ToList();
        string allText = Normalize(string.Concat(textFiles.Select(File.ReadAllText)));
        foreach (string id in ReferenceAnswers.Ids)
        {
            Assert.False(allText.Contains(Normalize(ReferenceAnswers.Code(id)), StringComparison.Ordinal), $"the release's files hold the reference answer of {id}");
        }

        // The release runs a notebook headless with its own command (as its README says), building what it needs.
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = release, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["run", "--project", "lib/Course.Runner", "--", "run", "--filter", "04.2"])
        {
            start.ArgumentList.Add(a);
        }

        using (var run = System.Diagnostics.Process.Start(start)!)
        {
            Task<string> stdout = run.StandardOutput.ReadToEndAsync(), stderr = run.StandardError.ReadToEndAsync();
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
            string output = await stdout + await stderr;
            Assert.True(run.ExitCode == 0, output);
            Assert.Matches(@"04\.2-parallel-heads\.ipynb\s+ok\s.*2 not attempted", output);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);   // no stack trace, site or not
            Assert.True(File.Exists(Path.Combine(release, "artifacts", "executed", "04.2-parallel-heads.ipynb")), output);
        }

        Assert.Contains("What to hand in", File.ReadAllText(Path.Combine(release, "README.md")), StringComparison.Ordinal);

        string[] assemblies =
        [
            .. Directory.EnumerateFiles(Path.Combine(release, "lib"), "*.dll", SearchOption.AllDirectories),
            Path.Combine(Paths.Root, "lib", "Attention.Exercises", "bin", "Debug", "net10.0", "Attention.Exercises.dll"),
        ];
        Assert.Contains(assemblies, a => a.EndsWith("Attention.Exercises.dll", StringComparison.Ordinal) && a.StartsWith(release, StringComparison.Ordinal));
        foreach (string id in ReferenceAnswers.Ids)
        {
            string line = DistinctiveLine(id);
            foreach (string assembly in assemblies)
            {
                Assert.False(Holds(assembly, line), $"{assembly} holds the reference answer of {id} (\"{line}\")");
            }

            // The search itself finds an answer where one is: the instructor's Course.Solutions.dll.
            Assert.True(Holds(typeof(ReferenceAnswers).Assembly.Location, line), $"the search misses \"{line}\" in Course.Solutions.dll");
        }

        // Nor the hidden cases: neither the generator of their arguments nor the code that judges them ships, in any file.
        string[] releaseFiles = [.. Directory.EnumerateFiles(release, "*", SearchOption.AllDirectories)];
        foreach (Type hidden in (Type[])[typeof(HiddenArguments), typeof(Course.Grader.HiddenCases)])
        {
            Assert.DoesNotContain(releaseFiles, f => Holds(f, hidden.Name));
            Assert.True(Holds(hidden.Assembly.Location, hidden.Name), $"the search misses {hidden.Name} in {hidden.Assembly.Location}");
        }

        Directory.Delete(Path.GetDirectoryName(release)!, recursive: true);
    }

    // The answer's longest line that the shipped stub does not have (the signature is public): specific enough to be
    // the answer, and a literal an assembly would store whole.
    private static string DistinctiveLine(string id) =>
        ReferenceAnswers.Code(id).Split('\n').Select(l => l.Trim())
            .Where(l => !Exercises.Get(id).StubCode.Contains(l, StringComparison.Ordinal))
            .OrderByDescending(l => l.Length).First();

    private static bool Holds(string file, string text)
    {
        byte[] bytes = File.ReadAllBytes(file);
        return Contains(bytes, Encoding.UTF8.GetBytes(text)) || Contains(bytes, Encoding.Unicode.GetBytes(text));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static string Normalize(string text) => Whitespace().Replace(text.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal), " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
