using System.Reflection;

namespace Grading.Tests;

/// <summary>
/// The allow-list against attacks written as a student would (Attacks/rules-on): late binding, other file and XML APIs,
/// timers, BCL tensors, members that hand out forbidden types, module initializers, finalizers, dynamic, library calls
/// that do the job, a cell whose binding explodes, and judgement tricks. Each is graded by the real grader with the
/// rules on, beside an honest student; the notebook's own check (IL) must refuse the same cells.
/// </summary>
public class AllowListAttackTests
{
    public static TheoryData<string> Attacks() => AttackCell.Names("rules-on");

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Each_attack_earns_nothing_and_the_feedback_names_what_broke_the_rule(string name)
    {
        AttackCell attack = AttackCell.Get("rules-on", name);
        AttackClasses.Graded graded = await AttackClasses.RulesOnAsync();
        ExerciseGrade grade = graded.Grade(name, attack.ExerciseId);
        string[] expect = attack.Expect.Split(' ', 2);
        string why = $"{name}: {grade.Status} {grade.Points}/{grade.Max}\n{grade.Feedback}";

        Assert.True(grade.Points == 0, why);
        if (expect[0] == "zero")
        {
            Assert.True(grade.Status is GradeStatus.Failed, why);
            return;
        }

        Assert.True(grade.Status == expect[0], why);
        if (expect[0] == GradeStatus.ForbiddenApi)
        {
            // The symbol (or the language feature) and the cell line it is on.
            Assert.True(expect[1].Split('|').Any(symbol => grade.Feedback.Contains(symbol, StringComparison.Ordinal)), why);
            Assert.Matches(@"line \d+: ", grade.Feedback);
        }
    }

    [Fact]
    public async Task The_honest_student_in_the_same_class_gets_every_point()
    {
        AttackClasses.Graded graded = await AttackClasses.RulesOnAsync();
        StudentResult honest = graded.Results.Single(r => r.Student == AttackClasses.Honest);
        Assert.True(honest.Score == Exercises.All.Sum(e => e.Points),
            string.Join("\n", honest.Grades.Where(g => g.Points < g.Max).Select(g => $"{g.ExerciseId} {g.Status} {g.Feedback}")));
    }

    public static TheoryData<string> ApiAttacks() =>
        AttackCell.Names("rules-on", a => a.Expect.StartsWith(GradeStatus.ForbiddenApi + " ", StringComparison.Ordinal) && a.Expect.Split(' ')[1].Contains('.', StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(ApiAttacks))]
    public void The_notebook_check_refuses_the_same_cells_from_their_compiled_code(string name)
    {
        // Compiled without the source rules, as the kernel compiles a cell; the check reads the same table from the IL.
        AttackCell attack = AttackCell.Get("rules-on", name);
        Exercise exercise = Exercises.Get(attack.ExerciseId);
        CompiledCell compiled = ScriptCompiler.Compile(exercise, attack.Code, "cell_il_" + Guid.NewGuid().ToString("N"), TimeSpan.FromMinutes(1), checkRules: false);
        Assert.True(compiled.Assembly is not null, string.Join("\n", compiled.Errors));
        Delegate solution = Course.Grader.Worker.Worker.Solution(Assembly.Load(compiled.Assembly!), compiled.EntryType, compiled.EntryMethod);
        ExerciseReport report = exercise.Run(solution);
        Assert.True(report.Score == 0 && report.Problem is not null, $"{name}: the IL check let it run ({report.Score} points)");
        Assert.True(attack.Expect.Split(' ')[1].Split('|').Any(symbol => report.Problem.Contains(symbol, StringComparison.Ordinal)), $"{name}: {report.Problem}");
    }

    [Fact]
    public void Docs_print_the_table_the_rules_read()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "grading.md"));
        foreach (var (entry, what) in ApiRules.Table)
        {
            Assert.Contains($"| `{entry}` | {what} |", docs, StringComparison.Ordinal);
        }

        int rows = docs.Split('\n').Count(l => l.StartsWith("| `", StringComparison.Ordinal));
        Assert.Equal(ApiRules.Table.Count, rows);
    }

    [Fact]
    public void No_public_type_a_cell_can_see_is_allowed_unless_the_table_names_it()
    {
        // Every public type of every assembly the grader compiles cells against, judged as a use by an exercise with no
        // extra allowances: allowed exactly when the table lists the type or its namespace.
        string[] listed = [.. ApiRules.Table.Select(t => t.Entry).Where(e => !e.StartsWith("not ", StringComparison.Ordinal))];
        int checkedTypes = 0;
        foreach (string path in ScriptCompiler.ReferencePaths)
        {
            Assembly assembly;
            Type[] types;
            try
            {
                assembly = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
                types = assembly.GetExportedTypes();
            }
            catch (Exception e) when (e is BadImageFormatException or NotSupportedException or FileNotFoundException or ReflectionTypeLoadException or FileLoadException)
            {
                continue;   // a native image or a facade of forwarded types: nothing of its own to name
            }

            foreach (Type type in types.Where(t => !t.IsNested))
            {
                string ns = type.Namespace ?? "";
                string name = (type.FullName ?? type.Name).Split('`')[0];
                bool inTable = listed.Any(e => e == name || (e.EndsWith(".*", StringComparison.Ordinal) && e[..^2] == ns)
                    || e.StartsWith(name + ".{", StringComparison.Ordinal));
                string? violation = ApiRules.Violation(ns, name, null, assembly.GetName().Name!, [], []);
                Assert.True(inTable == (violation is null), $"{name} ({assembly.GetName().Name}): in the table {inTable}, rule says {violation ?? "allowed"}");
                checkedTypes++;
            }
        }

        Assert.True(checkedTypes > 2000, $"only {checkedTypes} public types found");
    }

    [Fact]
    public void A_sample_of_types_outside_the_table_does_not_compile_into_an_allowed_cell()
    {
        // The table decides for the semantic model too: a cell naming any of these is refused before it runs.
        Exercise exercise = Exercises.Get("4.5a");
        string[] outside =
        [
            "System.IO.File", "System.IO.Directory", "System.IO.FileStream", "System.Xml.XmlDocument", "System.Net.Http.HttpClient",
            "System.Reflection.Assembly", "System.Type", "System.Activator", "System.AppDomain", "System.Environment", "System.GC",
            "System.Threading.Thread", "System.Threading.Tasks.Task", "System.Threading.ThreadPool", "System.Timers.Timer",
            "System.Diagnostics.Process", "System.Runtime.InteropServices.Marshal", "System.Runtime.InteropServices.MemoryMarshal",
            "System.Runtime.CompilerServices.Unsafe", "System.Linq.Expressions.Expression", "System.Reflection.Emit.DynamicMethod",
            "Microsoft.VisualBasic.Interaction", "Microsoft.Win32.SafeHandles.SafeFileHandle", "System.Numerics.Tensors.Tensor",
            "MathNet.Numerics.LinearAlgebra.Matrix<double>", "Attention.Heads", "Attention.TensorInterop", "Attention.Exercises.Exercises",
        ];
        foreach (string type in (string[])["System.Math", .. outside])
        {
            string cell = $"int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device)\n{{\n    _ = typeof({type});\n    return [nHeads / devices];\n}}\n";
            CompiledCell compiled = ScriptCompiler.Compile(exercise, cell, "cell_sample_" + Guid.NewGuid().ToString("N"), TimeSpan.FromMinutes(1));
            if (type == "System.Math")
            {
                // The control: a type of the table compiles, so the refusals below are the table's doing.
                Assert.True(compiled.Violation is null && compiled.Assembly is not null, $"{type}: {compiled.Violation} {string.Join("\n", compiled.Errors)}");
                continue;
            }

            Assert.True(compiled.Violation is not null && compiled.Assembly is null, $"{type}: {string.Join("\n", compiled.Errors)}");
            Assert.Contains(type.Split('<')[0], compiled.Violation, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Course.sln")))
        {
            dir = dir.Parent;
        }

        return dir.FullName;
    }
}
