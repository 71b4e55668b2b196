using System.Reflection;
using System.Reflection.Emit;

namespace Course.Grading;

/// <summary>
/// <see cref="ApiRules"/> applied to compiled code in the notebook, where the check has the submitted function but not
/// its source: every member its IL references, and the IL of the cell's own methods it calls (helpers, lambdas,
/// local functions), is looked up in the rule table. The grader applies the same table to the cell's source.
/// </summary>
internal static class CompiledCodeRules
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The first rule the method (or a method of the submission it calls) breaks, or null.</summary>
    public static string? FirstViolation(MethodBase method, IReadOnlyList<string> allowed, IReadOnlyList<string> sameAs)
    {
        var seen = new HashSet<MethodBase>();
        var pending = new Stack<MethodBase>([method]);
        Assembly submission = method.Module.Assembly;
        while (pending.Count > 0)
        {
            MethodBase current = pending.Pop();
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (MemberInfo used in References(current))
            {
                Type? owner = used as Type ?? used.DeclaringType;
                if (owner is not null && IsStudentCode(owner.Assembly, submission))
                {
                    // The student's own code (and the notebook's other cells) is checked where it calls out, not as a use;
                    // the compiler's own helpers in it (<PrivateImplementationDetails>) are not the student's to check.
                    if (used is MethodBase callee && !Outermost(owner).Name.StartsWith("<PrivateImplementationDetails>", StringComparison.Ordinal))
                    {
                        pending.Push(callee);
                    }

                    continue;
                }

                if ((Violation(used, allowed, sameAs) ?? ResultViolation(used, submission, allowed, sameAs)) is { } why)
                {
                    return $"{why}.";
                }
            }
        }

        return null;
    }

    private static string? Violation(MemberInfo used, IReadOnlyList<string> allowed, IReadOnlyList<string> sameAs)
    {
        Type? type = used as Type ?? used.DeclaringType;
        if (type is null)
        {
            return null;
        }

        while (type.HasElementType)
        {
            type = type.GetElementType()!;   // double[] is a use of double
        }

        type = Outermost(type);
        string ns = type.Namespace ?? "";
        string typeName = (type.IsGenericType ? type.GetGenericTypeDefinition().FullName! : type.FullName ?? type.Name).Split('`')[0];
        string? member = used is Type ? null : used is ConstructorInfo ? null : used.Name;
        // What the C# compiler emits on its own (array initialisers, collection expressions, string interpolation) is not
        // the student's choice; the grader's check on the source sees only what the student wrote.
        if (CompilerEmitted.Contains(typeName) || (member is not null && CompilerEmitted.Contains($"{typeName}.{member}")))
        {
            return null;
        }

        // Property accessors are named get_X/set_X in compiled code, X in source: the table speaks of X.
        if (used is MethodInfo { IsSpecialName: true } && member is not null && (member.StartsWith("get_", StringComparison.Ordinal) || member.StartsWith("set_", StringComparison.Ordinal)))
        {
            member = member[4..];
        }

        return ApiRules.Violation(ns, typeName, member, type.Assembly.GetName().Name ?? "", allowed, sameAs);
    }

    // What a member hands out is held to the same rules as what the cell names (the grader's source check does the same):
    // an allowed member may not return a type the cell could not name, such as a MethodBase.
    private static string? ResultViolation(MemberInfo used, Assembly submission, IReadOnlyList<string> allowed, IReadOnlyList<string> sameAs)
    {
        Type? result = used switch
        {
            MethodInfo m => m.ReturnType,
            FieldInfo f => f.FieldType,
            _ => null,
        };
        while (result is { HasElementType: true })
        {
            result = result.GetElementType();
        }

        return result is null || result == typeof(void) || result.IsGenericParameter || IsStudentCode(result.Assembly, submission)
            ? null
            : Violation(result, allowed, sameAs);
    }

    // Types and members the compiler calls for plain C# (no student writes them by name).
    private static readonly HashSet<string> CompilerEmitted =
    [
        "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler",
        "System.Runtime.CompilerServices.RuntimeHelpers.InitializeArray",
        "System.Runtime.CompilerServices.RuntimeHelpers.CreateSpan",
        "System.Runtime.CompilerServices.RuntimeHelpers.GetSubArray",
        "System.Runtime.InteropServices.MemoryMarshal.CreateSpan",
        "System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan",
        "System.Runtime.InteropServices.CollectionsMarshal.AsSpan",
        "System.Runtime.InteropServices.CollectionsMarshal.SetCount",
        "System.RuntimeFieldHandle",
    ];

    private static Type Outermost(Type type)
    {
        while (type.IsNested)
        {
            type = type.DeclaringType!;
        }

        return type;
    }

    // Methods of the submission itself and of other notebook cells (dynamic, unnamed-location assemblies), not of
    // the framework or the course library.
    private static bool IsStudentCode(Assembly assembly, Assembly submission) =>
        assembly == submission || (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location)) && !assembly.FullName!.StartsWith("System.", StringComparison.Ordinal);

    private static IEnumerable<MemberInfo> References(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            il = null;
        }

        if (il is null)
        {
            yield break;
        }

        Type[]? typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE && at + 1 < il.Length ? (short)(0xFE00 | il[at + 1]) : il[at];
            if (!OpCodesByValue.TryGetValue(value, out OpCode op))
            {
                yield break;
            }

            at += op.Size;
            int operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? resolved = null;
                try
                {
                    resolved = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArgs, methodArgs);
                }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException)
                {
                    resolved = null;
                }

                if (resolved is not null)
                {
                    yield return resolved;
                }
            }

            at += operand;
        }
    }
}
