namespace Course.Grading;

/// <summary>
/// A course-library type or member named in code, so that a rename breaks the build: <c>typeof(Heads)</c> converts
/// implicitly, a member is <c>LibraryMember.Of(typeof(Tensor), nameof(Tensor.MatMul))</c>.
/// </summary>
/// <param name="FullName">The full name, e.g. <c>Attention.Heads</c> or <c>Attention.Tensor.MatMul</c>.</param>
public readonly record struct LibraryMember(string FullName)
{
    /// <summary>The member <paramref name="member"/> of <paramref name="type"/> (pass it with <c>nameof</c>).</summary>
    public static LibraryMember Of(Type type, string member)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(member);
        return new($"{TypeName(type)}.{member}");
    }

    /// <summary>A whole type: every member of it.</summary>
    public static implicit operator LibraryMember(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new(TypeName(type));
    }

    /// <inheritdoc />
    public override string ToString() => FullName;

    private static string TypeName(Type type)
    {
        string name = type.FullName ?? type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]).Replace('+', '.');
    }
}
