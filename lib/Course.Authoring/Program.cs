using Course.Authoring;

// Course.Authoring: what a course author runs, from the repository root.
//   sync-notebooks [--check]   rewrite the exercise cells of notebooks/ from lib/Attention.Exercises (--check: only report)
//   release <DIR>              write the student release: no reference answers, no grader

if (args.Length == 2 && args[0] == "release")
{
    StudentRelease.Write(Directory.GetCurrentDirectory(), Path.GetFullPath(args[1]));
    Console.WriteLine($"student release written to {Path.GetFullPath(args[1])} (no reference answers; open it in VS Code and Run All)");
    return 0;
}

if (args.Length is 1 or 2 && args[0] == "sync-notebooks")
{
    bool write = !args.Contains("--check");
    string notebooks = Path.GetFullPath("notebooks");
    IReadOnlyList<string> changes = CourseNotebooks.Sync(notebooks, write);
    foreach (string change in changes)
    {
        Console.WriteLine((write ? "updated " : "out of step: ") + change);
    }

    Console.WriteLine(changes.Count == 0 ? "Exercise cells are in step with lib/Attention.Exercises." : $"{changes.Count} notebook(s) {(write ? "updated" : "out of step")}.");
    return write || changes.Count == 0 ? 0 : 1;
}

Console.Error.WriteLine("usage: Course.Authoring sync-notebooks [--check]   (from the repository root)");
Console.Error.WriteLine("       Course.Authoring release <DIR>");
return 2;
