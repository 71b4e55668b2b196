using System.Globalization;
using Course.Runner;

// `dotnet run --project lib/Course.Runner -- run [--filter PATTERN] [--timeout SECONDS]`
// runs every course notebook in the real kernel, writes executed copies to artifacts/executed/, prints a summary,
// and renders the static site to artifacts/site/. `site` renders the site again from artifacts/executed/ alone.
if (args.Length == 0 || args[0] is not ("run" or "site"))
{
    Console.Error.WriteLine("usage: Course.Runner run [--filter PATTERN] [--timeout SECONDS]");
    Console.Error.WriteLine("       Course.Runner site [--from DIR]   (render artifacts/executed/, or DIR's notebooks, to artifacts/site/)");
    Console.Error.WriteLine("  PATTERN: a substring of the notebook file name, or a glob such as 05.*");
    return 2;
}

var root = RepoRoot.Find();
if (args[0] == "site")
{
    if (args is [_, "--from", var from])
    {
        // Any folder of executed notebooks, e.g. the tests' artifacts/executed/tests/, rendered in file-name order.
        var executed = Directory.EnumerateFiles(from, "*.ipynb").Order(StringComparer.Ordinal).ToArray();
        var index = Course.Site.SiteBuilder.Build(executed, CourseSite.SiteDir(root), CourseSite.AssetsPackageDir(root));
        Console.WriteLine($"Site: {Path.GetRelativePath(root, index)}");
        return 0;
    }
    if (args.Length > 1)
    {
        Console.Error.WriteLine($"unknown argument '{args[1]}'");
        return 2;
    }
    return BuildSite() ? 0 : 1;
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

var notebooks = NotebookDiscovery.Find(Path.Combine(root, "notebooks"), filter);
if (notebooks.Count == 0)
{
    Console.WriteLine(filter is null ? "No notebooks under notebooks/." : $"No notebook matches '{filter}'.");
    return filter is null ? 0 : 1;
}

var runner = new NotebookRunner(timeout, root);
var outputDir = CourseSite.ExecutedDir(root);
var results = new List<NotebookResult>();
foreach (var notebook in notebooks)
{
    Console.WriteLine($"▶ {Path.GetFileName(notebook)}");
    var result = await runner.RunAsync(notebook, Path.Combine(outputDir, Path.GetFileName(notebook)));
    results.Add(result);
    if (!result.Succeeded)
        Console.WriteLine($"  FAILED {result.FailureMessage}");

    // Where a student's wait goes: the kernel's start (everything outside the cells) and the slowest cells.
    var inCells = TimeSpan.FromTicks(result.Cells.Sum(c => c.Elapsed.Ticks));
    var slowest = result.Cells.OrderByDescending(c => c.Elapsed).Take(3)
        .Select(c => $"cell {c.Index} {c.Elapsed.TotalSeconds:0.0} s (`{(c.FirstLine.Length > 40 ? c.FirstLine[..40] + "…" : c.FirstLine)}`)");
    Console.WriteLine(FormattableString.Invariant($"  {result.Elapsed.TotalSeconds:0.0} s: kernel start and shutdown {(result.Elapsed - inCells).TotalSeconds:0.0} s; slowest {string.Join(", ", slowest)}"));
}

Console.WriteLine();
Console.WriteLine(SummaryTable.Format(results));
Console.WriteLine($"Executed notebooks: {Path.GetRelativePath(root, outputDir)}/");
BuildSite();
// A notebook fails when a cell fails or one of its own self-checks prints ✗; an exercise answer that loses points does not.
var failed = results.Count(r => !r.Succeeded || r.ChecksFailed > 0);
Console.WriteLine($"{results.Count - failed} ok, {failed} failed");
return failed == 0 ? 0 : 1;

bool BuildSite()
{
    try
    {
        var (index, missing) = CourseSite.Build(root);
        foreach (var name in missing)
            Console.WriteLine($"  (site) {name} has no executed copy yet: run it first");
        Console.WriteLine($"Site: {Path.GetRelativePath(root, index)}");
        return true;
    }
    catch (Exception e) when (e is InvalidOperationException or DirectoryNotFoundException or FileNotFoundException)
    {
        // The notebooks ran; only the website could not be built (e.g. no Node.js/npm): say so and what to do, no stack trace.
        Console.WriteLine($"Site not built: {e.Message.Split('\n')[0]}");
        Console.WriteLine("  The executed notebooks are complete; install Node.js and npm, then `dotnet run --project lib/Course.Runner -- site` builds it.");
        return false;
    }
}
