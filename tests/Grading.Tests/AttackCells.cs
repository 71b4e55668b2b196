using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// One attack: an exercise cell written as a dishonest student would, kept in Attacks/ (rules-on: refused before it
/// runs; rules-off: it runs, and only the box stands in its way). Its first lines say which exercise it answers and
/// what the grader must make of it: <c>// exercise: 4.5a</c>, <c>// expect: forbidden-api System.Xml.XmlReader</c>.
/// </summary>
public sealed record AttackCell(string Name, string ExerciseId, string Expect, string Code)
{
    /// <summary>The attacks of one folder (rules-on or rules-off), by name.</summary>
    public static IReadOnlyList<AttackCell> In(string folder) =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Attacks", folder), "*.cs").Order(StringComparer.Ordinal).Select(Load)];

    /// <summary>The attack named <paramref name="name"/> in <paramref name="folder"/>.</summary>
    public static AttackCell Get(string folder, string name) => In(folder).Single(a => a.Name == name);

    /// <summary>Theory data: the attack names of a folder.</summary>
    public static TheoryData<string> Names(string folder, Func<AttackCell, bool>? where = null)
    {
        var data = new TheoryData<string>();
        foreach (AttackCell a in In(folder).Where(where ?? (_ => true)))
        {
            data.Add(a.Name);
        }

        return data;
    }

    private static AttackCell Load(string path)
    {
        string code = File.ReadAllText(path);
        string[] lines = code.Split('\n');
        string Header(string key) => lines.Select(l => l.Trim()).First(l => l.StartsWith($"// {key}: ", StringComparison.Ordinal))[(key.Length + 5)..];
        return new AttackCell(Path.GetFileNameWithoutExtension(path), Header("exercise"), Header("expect"), code);
    }
}

/// <summary>
/// The classes of attackers, each graded once per test run by the real grader: one student per attack (only the
/// attacked exercise submitted), beside an honest student with every reference answer. Rules on: the allow-list
/// attacks. Rules off (the containment alone): the box probes, a student who writes a malformed frame into the answer
/// pipe and one who floods stderr, both with honest answers everywhere else.
/// </summary>
public static class AttackClasses
{
    /// <summary>The student with every reference answer, in each class.</summary>
    public const string Honest = "honest";

    private static readonly Lazy<Task<Graded>> RulesOnClass = new(() => GradeAsync("rules-on", enforceRules: true));
    private static readonly Lazy<Task<Graded>> RulesOffClass = new(() => GradeAsync("rules-off", enforceRules: false));

    /// <summary>A graded class: the results and the folder the reports were written to.</summary>
    public sealed record Graded(IReadOnlyList<StudentResult> Results, string Output, string Submissions)
    {
        /// <summary>The grade of <paramref name="student"/> on <paramref name="exerciseId"/>.</summary>
        public ExerciseGrade Grade(string student, string exerciseId) =>
            Results.Single(r => r.Student == student).Grades.Single(g => g.ExerciseId == exerciseId);
    }

    /// <summary>The allow-list attacks, graded with the API rules on.</summary>
    public static Task<Graded> RulesOnAsync() => RulesOnClass.Value;

    /// <summary>The containment attacks, graded with the API rules off.</summary>
    public static Task<Graded> RulesOffAsync() => RulesOffClass.Value;

    /// <summary>Students of the rules-off class who submit honest answers beside their attack.</summary>
    public static readonly string[] FullSubmissions = ["malformed-frame", "stderr-flood"];

    /// <summary>The port of <see cref="Listener"/>, written into the network probe.</summary>
    public const int ListenerPort = 47613;

    private static readonly Lazy<TcpListener> Listening = new(() =>
    {
        var listener = new TcpListener(IPAddress.Loopback, ListenerPort);
        listener.Start();
        return listener;
    });

    private static readonly Lazy<int> Secret = new(() =>
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("course-secret-").FullName, "course-secret.txt");
        File.WriteAllText(path, "the reference answers");
        Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(path);
        // dup() drops close-on-exec: the copy is inherited by every child this process starts, as a careless grader's would be.
        int fd = Dup((int)handle.DangerousGetHandle());
        Assert.True(fd > 2, "dup failed");
        return fd;
    });

    /// <summary>A TCP listener on the host's loopback, for the network probe to reach (it does, outside the box).</summary>
    public static TcpListener Listener => Listening.Value;

    /// <summary>A descriptor of a file named course-secret.txt that this process holds open without close-on-exec.</summary>
    public static int SecretDescriptor => Secret.Value;

    [DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    private static async Task<Graded> GradeAsync(string folder, bool enforceRules)
    {
        _ = SecretDescriptor;
        _ = Listener;
        string root = Directory.CreateTempSubdirectory($"course-attacks-{folder}-").FullName;
        string submissions = Path.Combine(root, "class"), output = Path.Combine(root, "out");
        NotebookCells.WriteSubmission(Path.Combine(submissions, Honest), e => ReferenceAnswers.Code(e.Id));
        foreach (AttackCell attack in AttackCell.In(folder))
        {
            bool full = FullSubmissions.Contains(attack.Name);
            NotebookCells.WriteSubmission(Path.Combine(submissions, attack.Name),
                e => e.Id == attack.ExerciseId ? attack.Code : full ? ReferenceAnswers.Code(e.Id) : null);
        }

        GradingOptions options = GradedClass.Options with { EnforceApiRules = enforceRules, CompileTimeout = TimeSpan.FromSeconds(10) };
        IReadOnlyList<StudentResult> results = await ClassGrader.GradeClassAsync(submissions, options, output).WaitAsync(TimeSpan.FromMinutes(5));
        GradeReports.Write(output, results);
        return new Graded(results, output, submissions);
    }
}
