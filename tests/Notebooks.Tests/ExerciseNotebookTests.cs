using System.Text.Json.Nodes;
using Attention;
using Course.Grading;
using Course.Runner;

namespace Notebooks.Tests;

/// <summary>
/// The section notebooks' exercises in the real kernel: shipped with stubs their checks say "not attempted" (the
/// notebook theory runs them and fails on any ✗); with the reference answers pasted in, every check passes.
/// </summary>
[Collection("kernel")]
public class ExerciseNotebookTests
{
    public static TheoryData<string> NotebooksWithExercises()
    {
        var data = new TheoryData<string>();
        foreach (string notebook in Exercises.All.Select(e => e.Notebook).Distinct())
        {
            data.Add(notebook);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NotebooksWithExercises))]
    public async Task With_the_reference_answers_every_check_passes(string notebook)
    {
        string source = Directory.GetFiles(Paths.Notebooks, notebook + "-*.ipynb").Single();
        Exercise[] exercises = [.. Exercises.All.Where(e => e.Notebook == notebook)];
        string solved = CourseNotebooks.WithExercises(File.ReadAllText(source), exercises, Path.GetFileName(source), e => Course.Solutions.ReferenceAnswers.Code(e.Id));
        string copy = Path.Combine(Directory.CreateTempSubdirectory("course-solved-").FullName, Path.GetFileName(source));

        // The lesson's cells already ran once, as shipped (NotebookTests); exercise cells keep their helpers inside, so
        // the setup and the exercises section alone judge the answers: each notebook's lesson runs once per test run.
        await File.WriteAllTextAsync(copy, SetupAndExercisesOnly(solved));

        // Working directory notebooks/, as in VS Code, so `#!import _setup.dib` and the library paths resolve.
        var result = await new NotebookRunner(repoRoot: Paths.Root).RunAsync(
            copy, Path.Combine(Paths.Executed, "solved", Path.GetFileName(source)), workingDirectory: Paths.Notebooks);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.True(result.ChecksFailed == 0, $"{notebook}: {result.ChecksFailed} self-check line(s) printed ✗ with the reference answers.");
        Assert.Equal(exercises.Select(e => e.Id).Order(StringComparer.Ordinal), result.Exercises.Keys.Order(StringComparer.Ordinal));
        Assert.All(result.Exercises, e => Assert.True(e.Value == "passed", $"{notebook}: exercise {e.Key} {e.Value} with the reference answer."));
        string outputs = string.Join("\n", result.Cells.SelectMany(c => c.Outputs).SelectMany(o => o.Values.Values));
        Assert.DoesNotContain("not attempted", outputs, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
    }

    [Fact]
    public void The_exercises_only_copy_keeps_the_setup_the_library_loads_and_every_exercise_cell()
    {
        string source = Directory.GetFiles(Paths.Notebooks, "07.5-*.ipynb").Single();
        var cells = JsonNode.Parse(SetupAndExercisesOnly(File.ReadAllText(source)))!["cells"]!.AsArray().Select(c => string.Concat(c!["source"]!.AsArray().Select(l => (string)l!))).ToList();
        Assert.Equal("#!import _setup.dib", cells[0]);
        Assert.Contains(cells, c => c.Contains("Attention.Training.dll", StringComparison.Ordinal));
        Assert.Contains(cells, c => c.StartsWith("## Exercises", StringComparison.Ordinal));
        Assert.Equal(2, cells.Count(c => c.Contains("Exercises.Check(", StringComparison.Ordinal)));
        Assert.DoesNotContain(cells, c => c.Contains("FlashAttentionBackward.Backward(", StringComparison.Ordinal));
    }

    // The first code cell (the setup import), cells made only of #r and using lines, and everything from "## Exercises" on.
    private static string SetupAndExercisesOnly(string notebookJson)
    {
        JsonNode root = JsonNode.Parse(notebookJson)!;
        JsonArray cells = root["cells"]!.AsArray();
        string Text(JsonNode? c) => string.Concat(c!["source"]!.AsArray().Select(l => (string)l!));
        bool Code(JsonNode? c) => (string)c!["cell_type"]! == "code";
        int exercises = cells.ToList().FindIndex(c => !Code(c) && Text(c).StartsWith("## Exercises", StringComparison.Ordinal));
        int setup = cells.ToList().FindIndex(Code);
        var kept = cells.Select((c, k) => (c, k))
            .Where(x => x.k == setup || x.k >= exercises || (Code(x.c) && OnlyDirectives(Text(x.c))))
            .Select(x => x.c!.DeepClone()).ToArray();
        root["cells"] = new JsonArray(kept);
        return root.ToJsonString();
    }

    private static bool OnlyDirectives(string code) =>
        code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).All(l => l.StartsWith("#r ", StringComparison.Ordinal) || l.StartsWith("using ", StringComparison.Ordinal));

    [Fact]
    public void Course_notebooks_hold_the_exercise_cells_of_the_one_source()
    {
        IReadOnlyList<string> outOfStep = CourseNotebooks.Sync(Paths.Notebooks, write: false);
        Assert.True(outOfStep.Count == 0,
            string.Join("\n", outOfStep) + "\nRun `dotnet run --project lib/Course.Authoring -- sync-notebooks` from the repository root.");
    }

    [Fact]
    public void The_setup_imports_the_usings_the_grader_compiles_exercises_with()
    {
        string setup = File.ReadAllText(Path.Combine(Paths.Notebooks, "_setup.dib"));
        foreach (string line in ExerciseCells.SetupUsings.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.Contains(line, setup, StringComparison.Ordinal);
        }
    }
}
