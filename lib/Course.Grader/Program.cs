using System.Diagnostics;
using System.Globalization;
using Attention;
using Attention.Exercises;
using Course.Grader;
using Course.Grading;

// Course.Grader: grade a class of notebook submissions.
//   grade <submissions> [--assignment FILE] [--out DIR] [--timeout SECONDS] [--memory MB] [--parallel N] [--seed N] [--allow-library] [--no-api-rules]
//   grade-one <submission> <results.json> [--assignment FILE]   one student (Gradescope's run_autograder calls this)
//   bench <copies> [--assignment FILE] [--out DIR]     grade <copies> generated complete submissions and report the time
//   gradescope <DIR> [--assignment FILE]   (from the repo root) build the Gradescope autograder package, DIR/autograder.zip

// An assignment file limits every grade, total and report to its exercises; without one the whole course is graded.
Assignment? assignment = null;
string? assignmentFile = null;
int assignmentFlag = Array.IndexOf(args, "--assignment");
if (assignmentFlag >= 0)
{
    if (assignmentFlag + 1 >= args.Length)
    {
        Console.Error.WriteLine("--assignment needs a file, e.g. --assignment assignments/week5.json");
        return 2;
    }

    try
    {
        assignmentFile = Path.GetFullPath(args[assignmentFlag + 1]);
        assignment = Assignment.Load(assignmentFile, Exercises.All);
    }
    catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }

    args = [.. args[..assignmentFlag], .. args[(assignmentFlag + 2)..]];
}

if (args.Length == 2 && args[0] == "gradescope")
{
    string zip = GradescopePackage.Build(Path.GetFullPath("lib/Course.Grader/Course.Grader.csproj"), Path.GetFullPath(args[1]), assignmentFile);
    Console.WriteLine($"Gradescope autograder: {zip} (upload it as the assignment's autograder; it grades {(assignment ?? Assignment.WholeCourse(Exercises.All)).Name})");
    return 0;
}

if (args.Length == 3 && args[0] == "grade-one")
{
    string folder = Path.GetFullPath(args[1]);
    GradingOptions gradeOne = GradingOptions.Default with { Assignment = assignment };
    Console.WriteLine($"containment: {Sandbox.Description}");
    Console.WriteLine($"runtime: {System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory()}");
    Console.WriteLine($"hidden cases: seed {gradeOne.HiddenSeed}");
    StudentResult one;
    try
    {
        one = await ClassGrader.GradeStudentAsync(folder, gradeOne, [folder, Path.GetDirectoryName(Path.GetFullPath(args[2]))!]);
    }
    catch (Exception e)
    {
        one = ClassGrader.GraderErrorResult(folder, e, gradeOne.Graded);
    }

    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[2]))!);
    File.WriteAllText(args[2], GradeReports.GradescopeJson(one));
    Console.WriteLine($"{ExerciseReport.Format(one.Score)} / {ExerciseReport.Format(gradeOne.Graded.Points)} points ({gradeOne.Graded.Name}); results in {args[2]}");
    return 0;
}

if (args.Length < 2 || args[0] is not ("grade" or "bench"))
{
    Console.Error.WriteLine("usage: Course.Grader grade <submissions-folder> [--out DIR] [--timeout SECONDS] [--memory MB] [--parallel N] [--seed N] [--allow-library]");
    Console.Error.WriteLine("       Course.Grader grade-one <submission-folder> <results.json>");
    Console.Error.WriteLine("       Course.Grader gradescope <DIR>   (course tooling: dotnet run --project lib/Course.Authoring -- sync-notebooks | release <DIR>)");
    Console.Error.WriteLine("       Course.Grader bench <copies> [--out DIR]");
    return 2;
}

GradingOptions options = GradingOptions.Default with { Assignment = assignment };
string? output = null;
if (args.Contains("--allow-library"))
{
    options = options with { AllowLibrary = true };
}

if (args.Contains("--no-api-rules"))
{
    // Only to test the box on its own (the containment tests do): cells run whatever they call.
    options = options with { EnforceApiRules = false };
    Console.WriteLine("WARNING: --no-api-rules: cells are not checked against the allow-list; only the box contains them.");
}

// Flags stand alone (--allow-library, --no-api-rules); the other options take the value after them.
for (int k = 2; k + 1 < args.Length; k++)
{
    if (args[k] is not ("--timeout" or "--memory" or "--parallel" or "--out" or "--seed"))
    {
        continue;
    }

    string value = args[++k];
    options = args[k - 1] switch
    {
        "--timeout" => options with { Timeout = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
        "--memory" => options with { MemoryBytes = long.Parse(value, CultureInfo.InvariantCulture) << 20 },
        "--parallel" => options with { Parallelism = int.Parse(value, CultureInfo.InvariantCulture) },
        "--seed" => options with { HiddenSeed = int.Parse(value, CultureInfo.InvariantCulture) },
        _ => options,
    };
    if (args[k - 1] == "--out")
    {
        output = value;
    }
}

string submissions = args[1];
if (args[0] == "bench")
{
    int copies = int.Parse(args[1], CultureInfo.InvariantCulture);
    submissions = Path.Combine(Path.GetTempPath(), "course-grader-bench-" + Guid.NewGuid().ToString("N")[..8]);
    for (int s = 0; s < copies; s++)
    {
        // Each copy differs by a comment, so no compiled cell could be reused across students.
        NotebookCells.WriteSubmission(Path.Combine(submissions, $"student{s:000}"), e => $"// copy {s}\n{Course.Solutions.ReferenceAnswers.Code(e.Id)}");
    }

    output ??= Path.Combine("artifacts", "grading", "bench");
}

if (!Directory.Exists(submissions))
{
    Console.Error.WriteLine($"no submissions folder {submissions}");
    return 2;
}

output ??= Path.Combine("artifacts", "grading", Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(submissions))));
Console.WriteLine($"containment: {Sandbox.Description}");
Console.WriteLine($"hidden cases: seed {options.HiddenSeed} (--seed {options.HiddenSeed} draws the same ones again)");
var clock = Stopwatch.StartNew();
IReadOnlyList<StudentResult> results = await ClassGrader.GradeClassAsync(submissions, options, Path.GetFullPath(output));
clock.Stop();
GradeReports.Write(output, results);
// The run's hidden-case seed beside its gradebook, so any grade can be reproduced.
File.WriteAllText(Path.Combine(output, "grading-run.txt"),
    $"assignment: {options.Graded.Name} ({string.Join(", ", options.Graded.Exercises.Select(e => e.Id))}; {ExerciseReport.Format(options.Graded.Points)} points)\n" +
    $"hidden-seed: {options.HiddenSeed}\ncontainment: {Sandbox.Description}\n");
double max = options.Graded.Points;
Console.WriteLine($"graded {results.Count} students × {options.Graded.Exercises.Count} exercises ({options.Graded.Name}) in {clock.Elapsed.TotalSeconds:0.0} s " +
    $"({options.Parallelism} at a time); gradebook: {Path.Combine(output, "gradebook.csv")}");
using (var self = Process.GetCurrentProcess())
{
    Console.WriteLine($"grader peak memory: {self.PeakWorkingSet64 >> 20} MiB");
}

foreach (var group in results.SelectMany(r => r.Grades).GroupBy(g => g.Status).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"  {group.Key}: {group.Count()}");
}

if (args[0] == "bench")
{
    Directory.Delete(submissions, recursive: true);
    bool allFull = results.All(r => r.Score == max);
    Console.WriteLine(allFull ? $"every copy earned {max} / {max}" : "NOT every copy earned full marks");
    return allFull ? 0 : 1;
}

return 0;
