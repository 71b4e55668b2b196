namespace Course.Grading;

/// <summary>
/// What an exercise cell may use, as an allow-list that both judges read: the grader on the cell's compiled semantic model
/// (Roslyn), a notebook's check on the compiled code of the submitted function. A cell may use the types and members of
/// <see cref="Table"/>, plus the library members its exercise allows, minus the ones that answer it in one call; anything
/// else is refused, whatever namespace it comes from. docs/grading.md prints the same table (a test keeps them equal).
/// </summary>
public static class ApiRules
{
    // The exercises themselves (their cases compute the expected values) and the grading framework: never reachable.
    private const string ExercisesAssembly = "Attention.Exercises";

    // Whole namespaces: every public type in them.
    private static readonly (string Namespace, string What)[] Namespaces =
    [
        ("System.Collections.Generic", "collections: List, Dictionary, HashSet, Queue, Stack, PriorityQueue, KeyValuePair, comparers"),
    ];

    // Whole types: every public member, except the members in DeniedMembers.
    private static readonly (string Type, string What)[] Types =
    [
        ("System.Boolean", "primitives"), ("System.Byte", "primitives"), ("System.SByte", "primitives"), ("System.Char", "primitives"),
        ("System.Int16", "primitives"), ("System.UInt16", "primitives"), ("System.Int32", "primitives"), ("System.UInt32", "primitives"),
        ("System.Int64", "primitives"), ("System.UInt64", "primitives"), ("System.Int128", "primitives"), ("System.Half", "primitives"),
        ("System.Single", "primitives"), ("System.Double", "primitives"), ("System.Decimal", "primitives"), ("System.Nullable", "primitives"),
        ("System.Math", "math"), ("System.MathF", "math"), ("System.MidpointRounding", "math"), ("System.Random", "math"),
        ("System.BitConverter", "math"),
        ("System.Array", "arrays"), ("System.Span", "spans"), ("System.ReadOnlySpan", "spans"), ("System.Memory", "spans"),
        ("System.ReadOnlyMemory", "spans"), ("System.MemoryExtensions", "spans"), ("System.Index", "spans"), ("System.Range", "spans"),
        ("System.String", "strings and formatting"), ("System.Text.StringBuilder", "strings and formatting"),
        ("System.StringComparison", "strings and formatting"), ("System.StringSplitOptions", "strings and formatting"),
        ("System.Globalization.CultureInfo", "strings and formatting"), ("System.IFormatProvider", "strings and formatting"),
        ("System.Convert", "strings and formatting"),
        ("System.ValueTuple", "tuples"), ("System.Tuple", "tuples"),
        ("System.Func", "delegates (lambdas)"), ("System.Action", "delegates (lambdas)"), ("System.Predicate", "delegates (lambdas)"),
        ("System.Comparison", "delegates (lambdas)"), ("System.Converter", "delegates (lambdas)"),
        ("System.IComparable", "interfaces"), ("System.IEquatable", "interfaces"), ("System.IDisposable", "interfaces"),
        ("System.Collections.IEnumerable", "interfaces"), ("System.Collections.IEnumerator", "interfaces"),
        ("System.Linq.Enumerable", "LINQ"), ("System.Linq.IGrouping", "LINQ"), ("System.Linq.IOrderedEnumerable", "LINQ"),
        ("System.Linq.ILookup", "LINQ"), ("System.Linq.Lookup", "LINQ"),
        ("System.Exception", "exceptions"), ("System.ArgumentException", "exceptions"), ("System.ArgumentNullException", "exceptions"),
        ("System.ArgumentOutOfRangeException", "exceptions"), ("System.InvalidOperationException", "exceptions"),
        ("System.NotImplementedException", "exceptions"), ("System.NotSupportedException", "exceptions"),
        ("System.IndexOutOfRangeException", "exceptions"), ("System.ArithmeticException", "exceptions"),
        ("System.DivideByZeroException", "exceptions"), ("System.OverflowException", "exceptions"), ("System.FormatException", "exceptions"),
        ("System.Numerics.Tensors.TensorPrimitives", "SIMD math on spans"),
        ("Attention.Tensor", "the course tensor: construction, element access, shapes, +, −, *, MatMul, Transpose, Head"),
        ("Attention.Linear", "the course's x W + b"),
        ("Attention.Shapes", "the course's shape checks and formatting"),
    ];

    // Types of which only some members may be used.
    private static readonly (string Type, string[] Members, string What)[] Partial =
    [
        ("System.Object", ["Equals", "GetHashCode", "ToString", "ReferenceEquals"], "the base of every type (not GetType)"),
        ("System.Console", ["Write", "WriteLine"], "printing (nothing that reads input or replaces the streams)"),
    ];

    // Members of allowed types that are not allowed: each hands out reflection.
    private static readonly string[] DeniedMembers =
    [
        "System.Array.CreateInstance", "System.Array.CreateInstanceFromArrayType", "System.Convert.ChangeType",
    ];

    /// <summary>The allow-list as docs/grading.md prints it: one entry and what it is for, per line.</summary>
    public static IReadOnlyList<(string Entry, string What)> Table { get; } =
    [
        .. Namespaces.Select(n => (n.Namespace + ".*", n.What)),
        .. Types.Select(t => (t.Type, t.What)),
        .. Partial.Select(p => ($"{p.Type}.{{{string.Join(", ", p.Members)}}}", p.What)),
        .. DeniedMembers.Select(d => ($"not {d}", "reflection")),
    ];

    /// <summary>
    /// Why a use of <paramref name="member"/> of type <paramref name="typeFullName"/> (in namespace
    /// <paramref name="namespaceName"/>) is not allowed in an exercise, or null when it is. The exercise adds the library
    /// members it allows (<paramref name="allowed"/>) and takes away the ones that do its job (<paramref name="sameAs"/>).
    /// </summary>
    /// <param name="namespaceName">The namespace of the type, e.g. <c>System.IO</c>.</param>
    /// <param name="typeFullName">The type's full name without generic arity, e.g. <c>System.IO.File</c>.</param>
    /// <param name="member">The member name, e.g. <c>ReadAllText</c>; null for a use of the type itself or a constructor.</param>
    /// <param name="assemblyName">The assembly that defines the type.</param>
    /// <param name="allowed">Library members or types the exercise allows beyond the table (<see cref="Exercise.Allowed"/>).</param>
    /// <param name="sameAs">Library members or types that solve the exercise (<see cref="Exercise.SameAs"/>; empty when the instructor allows them).</param>
    public static string? Violation(string namespaceName, string typeFullName, string? member, string assemblyName,
        IReadOnlyList<string> allowed, IReadOnlyList<string> sameAs)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(sameAs);
        string full = member is null ? typeFullName : $"{typeFullName}.{member}";
        if (assemblyName == typeof(ApiRules).Assembly.GetName().Name || assemblyName == ExercisesAssembly)
        {
            return $"{full} is part of the grading code, not of the course library";
        }

        if (sameAs.Any(solved => Matches(solved, typeFullName, full)))
        {
            return $"{full} does this exercise's job in one call: write it yourself";
        }

        string notAllowed = $"{full} is not allowed in an exercise (not in the table of allowed APIs, docs/grading.md)";
        if (DeniedMembers.Contains(full))
        {
            return notAllowed;
        }

        foreach (var (type, members, _) in Partial)
        {
            if (typeFullName == type)
            {
                return member is null || members.Contains(member) ? null : notAllowed;
            }
        }

        bool inTable = Types.Any(t => t.Type == typeFullName) || Namespaces.Any(n => n.Namespace == namespaceName)
            || allowed.Any(a => Matches(a, typeFullName, full));
        return inTable ? null : notAllowed;
    }

    // A table entry names a type (every member) or one member.
    private static bool Matches(string entry, string typeFullName, string full) =>
        full == entry || typeFullName == entry || full.StartsWith(entry + ".", StringComparison.Ordinal);
}
