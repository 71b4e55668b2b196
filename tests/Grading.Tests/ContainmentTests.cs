using System.Diagnostics;
using Attention;
using Course.Grading;
using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// Defence in depth: the cheating students of the sample class graded with the API rules switched off, so their
/// attacks really run in the worker. The worker's containment alone must keep every grade honest: no cheater gains a
/// point, the classmate whose notebooks were targeted keeps hers, and nothing a cheater started outlives the grading.
/// </summary>
public class ContainmentTests
{
    private static readonly string[] Cheaters =
        ["cheat-reflection", "cheat-compile-reference", "cheat-forged-result", "cheat-other-exercises", "cheat-delete-classmate", "cheat-outlive-grader"];

    [Fact]
    public async Task Attacks_that_get_past_the_API_rules_gain_nothing_and_leave_nothing_behind()
    {
        Assert.True(Sandbox.Isolated, $"workers are not in their own namespaces here: {Sandbox.Description}");
        string root = Directory.CreateTempSubdirectory("course-containment-").FullName;
        string submissions = Path.Combine(root, "class"), output = Path.Combine(root, "out");
        NotebookCells.WriteSubmission(Path.Combine(submissions, "victim"), e => ReferenceAnswers.Code(e.Id));
        var attacks = new Dictionary<string, string>();
        foreach (string cheater in Cheaters)
        {
            string cell = Directory.EnumerateFiles(Path.Combine(SampleClass.Source, cheater, "cells")).Single();
            attacks[cheater] = Path.GetFileNameWithoutExtension(cell);
            string code = File.ReadAllText(cell);
            NotebookCells.WriteSubmission(Path.Combine(submissions, cheater), e => e.Id == attacks[cheater] ? code : ReferenceAnswers.Code(e.Id));
        }

        int victimNotebooks = Directory.EnumerateFiles(Path.Combine(submissions, "victim")).Count();
        GradingOptions options = GradedClass.Options with { EnforceApiRules = false };
        IReadOnlyList<StudentResult> results = await ClassGrader.GradeClassAsync(submissions, options, output);
        GradeReports.Write(output, results);
        string gradebook = File.ReadAllText(Path.Combine(output, "gradebook.csv"));

        double full = Exercises.All.Sum(e => e.Points);
        StudentResult victim = results.Single(r => r.Student == "victim");
        Assert.True(victim.Score == full, string.Join("\n", victim.Grades.Select(g => $"{g.ExerciseId} {g.Status} {g.Feedback}")));
        Assert.Equal(victimNotebooks, Directory.EnumerateFiles(Path.Combine(submissions, "victim")).Count());
        foreach (string cheater in Cheaters)
        {
            StudentResult r = results.Single(s => s.Student == cheater);
            ExerciseGrade attack = r.Grades.Single(g => g.ExerciseId == attacks[cheater]);
            Assert.True(attack.Points == 0, $"{cheater} earned {attack.Points} on {attack.ExerciseId} ({attack.Status}): {attack.Feedback}");
            Assert.True(r.Score <= full - attack.Max, $"{cheater} scored {r.Score}");
        }

        // The process left by cheat-outlive-grader would rewrite the gradebook after 4 s: give it 6.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(gradebook, File.ReadAllText(Path.Combine(output, "gradebook.csv")));
        Assert.DoesNotContain("cheat-outlive-grader,4.5a,100", gradebook, StringComparison.Ordinal);
        Assert.Empty(ProcessesRunning("sleep 4; for f in"));
        Directory.Delete(root, recursive: true);
    }

    private static List<int> ProcessesRunning(string commandLinePart)
    {
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out int pid) && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(commandLinePart, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
