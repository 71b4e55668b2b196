using System.Globalization;
using Course.Runner;

// `dotnet run --project lib/Course.Runner -- run [--filter PATTERN] [--timeout SECONDS]`
// runs every course notebook in the real kernel, writes executed copies to artifacts/executed/, prints a summary.
if (args.Length == 0 || args[0] != "run")
{
    Console.Error.WriteLine("usage: Course.Runner run [--filter PATTERN] [--timeout SECONDS]");
    Console.Error.WriteLine("  PATTERN: a substring of the notebook file name, or a glob such as 05.*");
    return 2;
}

string? filter = null;
var timeout = TimeSpan.FromMinutes(5);
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--filter" when i + 1 < args.Length:
            filter = args[++i];
            break;
        case "--timeout" when i + 1 < args.Length:
            timeout = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'");
            return 2;
    }
}

var root = RepoRoot.Find();
var notebooks = NotebookDiscovery.Find(Path.Combine(root, "notebooks"), filter);
if (notebooks.Count == 0)
{
    Console.WriteLine(filter is null ? "No notebooks under notebooks/." : $"No notebook matches '{filter}'.");
    return filter is null ? 0 : 1;
}

var runner = new NotebookRunner(timeout, root);
var outputDir = Path.Combine(root, "artifacts", "executed");
var results = new List<NotebookResult>();
foreach (var notebook in notebooks)
{
    Console.WriteLine($"▶ {Path.GetFileName(notebook)}");
    var result = await runner.RunAsync(notebook, Path.Combine(outputDir, Path.GetFileName(notebook)));
    results.Add(result);
    if (!result.Succeeded)
        Console.WriteLine($"  FAILED {result.FailureMessage}");
}

Console.WriteLine();
Console.WriteLine(SummaryTable.Format(results));
Console.WriteLine($"Executed notebooks: {Path.GetRelativePath(root, outputDir)}/");
var failed = results.Count(r => !r.Succeeded);
Console.WriteLine($"{results.Count - failed} passed, {failed} failed");
return failed == 0 ? 0 : 1;
