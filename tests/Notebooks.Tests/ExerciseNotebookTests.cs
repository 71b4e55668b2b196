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
        await File.WriteAllTextAsync(copy, solved);

        // Working directory notebooks/, as in VS Code, so `#!import _setup.dib` and the library paths resolve.
        var result = await new NotebookRunner(repoRoot: Paths.Root).RunAsync(
            copy, Path.Combine(Paths.Executed, "solved", Path.GetFileName(source)), workingDirectory: Paths.Notebooks);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.True(result.ChecksFailed == 0, $"{notebook}: {result.ChecksFailed} self-check line(s) printed ✗ with the reference answers.");
        Assert.Equal(exercises.Select(e => e.Id).Order(StringComparer.Ordinal), result.Exercises.Keys.Order(StringComparer.Ordinal));
        Assert.All(result.Exercises, e => Assert.True(e.Value == "passed", $"{notebook}: exercise {e.Key} {e.Value} with the reference answer."));
        string outputs = string.Join("\n", result.Cells.SelectMany(c => c.Outputs).SelectMany(o => o.Values.Values));
        Assert.True(result.ChecksPassed > 0, $"{notebook}: no self-check line printed ✓.");
        Assert.DoesNotContain("not attempted", outputs, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
    }

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
