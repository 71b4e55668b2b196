namespace Course.Grader;

/// <summary>Limits and parallelism of a grading run.</summary>
/// <param name="Timeout">Wall-clock limit for one exercise's graded cases (and its cell's top-level code).</param>
/// <param name="MemoryBytes">GC heap cap of a worker process (DOTNET_GCHeapHardLimit).</param>
/// <param name="Parallelism">Students graded at once (each with its own worker process).</param>
/// <param name="CompileTimeout">Limit for compiling one exercise cell.</param>
/// <param name="StartupTimeout">Limit for a worker to start and to move on to its next exercise.</param>
/// <param name="AllowLibrary">Allow the library members that do an exercise's job (<see cref="Course.Grading.Exercise.SameAs"/>); off by default.</param>
/// <param name="HiddenSeed">The seed the hidden cases' arguments are drawn from; the default is drawn once per process, so
/// every grading run draws new ones (the reports record it, and <c>--seed</c> repeats a run).</param>
/// <param name="EnforceApiRules">Refuse cells that use forbidden APIs before they run. Always on for grading; the tests turn it
/// off to show that the worker's containment holds on its own.</param>
/// <param name="Assignment">The exercises graded (an assignment file); null grades the whole course.</param>
public sealed record GradingOptions(TimeSpan Timeout, long MemoryBytes, int Parallelism, TimeSpan CompileTimeout, TimeSpan StartupTimeout,
    int HiddenSeed, bool AllowLibrary = false, bool EnforceApiRules = true, Course.Grading.Assignment? Assignment = null)
{
    /// <summary>The assignment graded: the file's, or the whole course.</summary>
    public Course.Grading.Assignment Graded => Assignment ?? Course.Grading.Assignment.WholeCourse(Attention.Exercises.Exercises.All);

    /// <summary>10 s per exercise, 512 MiB heap, one student per core.</summary>
    public static GradingOptions Default { get; } = new(
        TimeSpan.FromSeconds(10), 512L << 20, Environment.ProcessorCount, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60),
        System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue));
}
