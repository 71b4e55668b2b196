using System.Reflection;

namespace Grading.Tests;

/// <summary>
/// The locked box on its own (Attacks/rules-off, graded with the API rules off so the cells really run): each probe
/// returns the right answer only if it reaches something the box should keep from it — a writable /dev, /dev/shm that
/// outlives the worker, /sys, a writable /proc/sys, /tmp, root on the host's files, a capability, a descriptor of the
/// grader's, more disk than its scratch allows, another process, the network. Outside the box the same probes
/// succeed (run in this test process), and a control cell doing what the box allows gets full marks inside it.
/// </summary>
public class LockedBoxTests
{
    public static TheoryData<string> Probes() => AttackCell.Names("rules-off", a => a.Expect == "breach-fails");

    [Theory]
    [MemberData(nameof(Probes))]
    public async Task A_probe_reaches_nothing_from_inside_the_box(string name)
    {
        Assert.True(Sandbox.Isolated, $"workers are not in the locked box here: {Sandbox.Description}");
        AttackClasses.Graded graded = await AttackClasses.RulesOffAsync();
        ExerciseGrade grade = graded.Grade(name, "4.5a");
        Assert.True(grade.Points == 0, $"{name} breached the box: {grade.Status}\n{grade.Feedback}");
    }

    [Fact]
    public async Task The_control_cell_runs_and_earns_full_marks_in_the_box()
    {
        AttackClasses.Graded graded = await AttackClasses.RulesOffAsync();
        ExerciseGrade grade = graded.Grade("control-scratch", "4.5a");
        Assert.True(grade.Points == grade.Max, $"{grade.Status}\n{grade.Feedback}");
    }

    [Fact]
    public async Task Nothing_a_probe_wrote_is_left_on_the_host()
    {
        await AttackClasses.RulesOffAsync();
        Assert.False(File.Exists("/dev/course-attack"));
        Assert.False(File.Exists("/dev/shm/course-attack-shm"));
        Assert.False(File.Exists("/tmp/course-attack-tmp"));
    }

    // Probes whose breach is real in an ordinary process: the test process (root in CI, as the grader is).
    public static TheoryData<string> ProbesThatBreachOutside()
    {
        var data = new TheoryData<string> { "probe-dev-listing", "probe-sys", "probe-other-processes", "probe-inherited-descriptor", "probe-network" };
        if (Environment.IsPrivilegedProcess)
        {
            data.Add("probe-root-mapping");
            data.Add("probe-capabilities");
            data.Add("probe-proc-sys-write");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProbesThatBreachOutside))]
    public void Outside_the_box_the_same_probe_breaches(string name)
    {
        _ = AttackClasses.SecretDescriptor;
        _ = AttackClasses.Listener;
        AttackCell probe = AttackCell.Get("rules-off", name);
        Exercise exercise = Exercises.Get(probe.ExerciseId);
        CompiledCell compiled = ScriptCompiler.Compile(exercise, probe.Code, "cell_probe_" + Guid.NewGuid().ToString("N"), TimeSpan.FromMinutes(1), checkRules: false);
        Assert.True(compiled.Assembly is not null, string.Join("\n", compiled.Errors));
        var kvHeadsOnDevice = (Func<int, int, int, int, int[]>)Course.Grader.Worker.Worker.Solution(Assembly.Load(compiled.Assembly!), compiled.EntryType, compiled.EntryMethod);
        Assert.True(kvHeadsOnDevice(12, 4, 6, 1) is [0, 1], $"{name} does not breach even outside the box, so inside it proves nothing");
    }
}
