namespace Course.Grading;

/// <summary>
/// The APIs an exercise cell may not use, in one table that both judges read: the grader on the cell's compiled
/// semantic model (Roslyn), a notebook's check on the compiled code of the submitted function. An exercise asks for
/// arithmetic on tensors; none of these is needed for it, and each is a way to reach the grader instead.
/// </summary>
public static class ApiRules
{
    // The exercises themselves (their cases compute the expected values): never reachable from an exercise cell.
    private const string ExercisesAssembly = "Attention.Exercises";

    // Namespaces whose every type is off limits (a prefix match on whole namespace segments).
    private static readonly (string Namespace, string Why)[] Namespaces =
    [
        ("System.Reflection", "reflection"),
        ("System.Linq.Expressions", "dynamic code (expression compilation)"),
        ("Microsoft.CSharp.RuntimeBinder", "dynamic"),
        ("System.Runtime.InteropServices", "interop"),
        ("System.Runtime.Loader", "assembly loading"),
        ("System.IO", "files and folders"),
        ("System.Diagnostics", "processes and diagnostics"),
        ("System.Threading", "threads and tasks"),
        ("System.Net", "network"),
        ("System.Security", "security APIs"),
        ("Microsoft.Win32", "interop"),
        ("Microsoft.CodeAnalysis", "the compiler"),
        ("System.CodeDom", "the compiler"),
    ];

    // Types off limits as a whole.
    private static readonly (string Type, string Why)[] Types =
    [
        ("System.Environment", "the process environment"),
        ("System.AppDomain", "the process"),
        ("System.AppContext", "the process"),
        ("System.Activator", "reflection"),
        ("System.Type", "reflection"),
        ("System.RuntimeTypeHandle", "reflection"),
        ("System.RuntimeMethodHandle", "reflection"),
        ("System.RuntimeFieldHandle", "reflection"),
        ("System.Runtime.CompilerServices.Unsafe", "unsafe code"),
        ("System.Runtime.CompilerServices.RuntimeHelpers", "the runtime"),
        ("System.GC", "the runtime"),
        ("System.Delegate", "reflection"),
        ("System.MulticastDelegate", "reflection"),
        ("System.Linq.ParallelEnumerable", "threads and tasks"),
    ];

    // Single members off limits.
    private static readonly (string Member, string Why)[] Members =
    [
        ("System.Console.OpenStandardOutput", "the grader's streams"),
        ("System.Console.OpenStandardInput", "the grader's streams"),
        ("System.Console.OpenStandardError", "the grader's streams"),
        ("System.Console.SetOut", "the grader's streams"),
        ("System.Console.SetIn", "the grader's streams"),
        ("System.Console.SetError", "the grader's streams"),
        ("System.Object.GetType", "reflection"),
    ];

    /// <summary>
    /// Why a use of <paramref name="member"/> of type <paramref name="typeFullName"/> (in namespace
    /// <paramref name="namespaceName"/>) is not allowed in an exercise, or null when it is. Course types are matched
    /// against <paramref name="sameAs"/> (the exercise's same-purpose library members, <see cref="Exercise.SameAs"/>)
    /// and the types of the grading framework and of the exercises, which are never allowed.
    /// </summary>
    /// <param name="namespaceName">The namespace of the type, e.g. <c>System.IO</c>.</param>
    /// <param name="typeFullName">The type's full name without generic arity, e.g. <c>System.IO.File</c>.</param>
    /// <param name="member">The member name, e.g. <c>ReadAllText</c>; null for a use of the type itself.</param>
    /// <param name="assemblyName">The assembly that defines the type.</param>
    /// <param name="sameAs">Course members or types that solve the exercise (empty: no such rule).</param>
    public static string? Violation(string namespaceName, string typeFullName, string? member, string assemblyName, IReadOnlyList<string> sameAs)
    {
        ArgumentNullException.ThrowIfNull(sameAs);
        string full = member is null ? typeFullName : $"{typeFullName}.{member}";
        if (assemblyName == typeof(ApiRules).Assembly.GetName().Name || assemblyName == ExercisesAssembly)
        {
            return $"{full} is part of the grading code, not of the course library";
        }

        foreach (string solved in sameAs)
        {
            if (full == solved || typeFullName == solved || full.StartsWith(solved + ".", StringComparison.Ordinal))
            {
                return $"{full} does this exercise's job in one call: write it yourself";
            }
        }

        foreach (var (ns, why) in Namespaces)
        {
            if (namespaceName == ns || namespaceName.StartsWith(ns + ".", StringComparison.Ordinal))
            {
                return $"{full} is not allowed in an exercise ({why})";
            }
        }

        foreach (var (type, why) in Types)
        {
            if (typeFullName == type)
            {
                return $"{full} is not allowed in an exercise ({why})";
            }
        }

        foreach (var (name, why) in Members)
        {
            if (full == name)
            {
                return $"{full} is not allowed in an exercise ({why})";
            }
        }

        return null;
    }
}
