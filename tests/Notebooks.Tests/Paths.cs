using Course.Runner;

namespace Notebooks.Tests;

/// <summary>Folders the tests read, found from the repository root whatever the test host's directory.</summary>
internal static class Paths
{
    public static string Root { get; } = RepoRoot.Find();

    public static string Notebooks => Path.Combine(Root, "notebooks");

    public static string Fixtures => Path.Combine(Root, "tests", "Notebooks.Tests", "Fixtures");

    public static string Executed => Path.Combine(Root, "artifacts", "executed", "tests");

    /// <summary>The site the browser tests build from <see cref="Executed"/> (apart from the run command's artifacts/site).</summary>
    public static string Site => Path.Combine(Root, "artifacts", "site-tests");

    /// <summary>One PNG per page the browser tests open.</summary>
    public static string Screenshots => Path.Combine(Root, "artifacts", "screenshots");

    public static string Fixture(string name) => Path.Combine(Fixtures, name);
}

/// <summary>Kernel tests run one at a time: each starts a real kernel process and the machine has 2 cores.</summary>
[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection;
