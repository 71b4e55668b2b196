using System.Collections.Concurrent;
using Course.Runner;

namespace Notebooks.Tests;

/// <summary>
/// Every notebook the tests run, executed at most once per test run: the notebook theory and the site tests share
/// the executed copies in artifacts/executed/tests/ (a notebook takes seconds to tens of seconds in the real kernel).
/// </summary>
internal static class ExecutedCourse
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<NotebookResult>>> Runs = new();

    /// <summary>notebooks/*.ipynb, then the fixtures that must pass, each group in course (file-name) order.</summary>
    public static IReadOnlyList<string> Notebooks =>
        [.. NotebookDiscovery.Find(Paths.Notebooks), .. NotebookDiscovery.Find(Paths.Fixtures)];

    /// <summary>Where the executed copy of <paramref name="notebook"/> is written.</summary>
    public static string ExecutedPath(string notebook) => Path.Combine(Paths.Executed, Path.GetFileName(notebook));

    /// <summary>Runs the notebook in a fresh real kernel the first time it is asked for; later calls share that run.</summary>
    public static Task<NotebookResult> RunAsync(string notebook)
    {
        var path = Path.GetFullPath(notebook);
        return Runs.GetOrAdd(path, p => new Lazy<Task<NotebookResult>>(
            () => new NotebookRunner(repoRoot: Paths.Root).RunAsync(p, ExecutedPath(p)))).Value;
    }
}
