using Course.Runner;
using Microsoft.DotNet.Interactive.Documents;

namespace Notebooks.Tests;

/// <summary>The runner's summary keeps a notebook's own checks apart from its exercises' results.</summary>
public class SummaryTableTests
{
    private static NotebookResult Run(string name, params string[] outputs) =>
        new(name, [.. outputs.Select((text, k) => new CellResult(k, "csharp", "// cell", [new CellOutput("stdout", new Dictionary<string, string> { ["text/plain"] = text })], null, TimeSpan.Zero))],
            outputs.Length, TimeSpan.FromSeconds(1), null, new InteractiveDocument());

    [Fact]
    public void A_wrong_exercise_answer_is_not_a_failed_self_check()
    {
        NotebookResult student = Run("04.1.ipynb",
            "✓ rows sum to one\n",
            "Exercise 4.1a: Heads out of a fused QKV projection — 0.33/2 points (3/7 cases)\n✓ a\n✗ b: expected 1, got 2.\n",
            "Exercise 4.1b: The matrix behind each head's scores — not attempted: the stub still throws NotImplementedException.\n");
        NotebookResult broken = Run("04.2.ipynb", "✓ shapes\n✗ rows sum to one (max gap 0.5)\n", "Exercise 4.2a: Attention weights of one head — 2/2 points (4/4 cases)\n✓ a\n");

        Assert.Equal((1, 0), (student.ChecksPassed, student.ChecksFailed));
        Assert.Equal("lost points", student.Exercises["4.1a"]);
        Assert.Equal("not attempted", student.Exercises["4.1b"]);
        Assert.Equal((1, 1), (broken.ChecksPassed, broken.ChecksFailed));
        Assert.Equal("passed", broken.Exercises["4.2a"]);

        string[] rows = SummaryTable.Format([student, broken]).Split('\n');
        Assert.Contains("exercises", rows[0], StringComparison.Ordinal);
        Assert.Matches(@"^04\.1\.ipynb\s+ok\s.*1 lost points, 1 not attempted$", rows[2].TrimEnd());
        Assert.Matches(@"^04\.2\.ipynb\s+CHECKS ✗\s.*1 passed$", rows[3].TrimEnd());
    }
}
