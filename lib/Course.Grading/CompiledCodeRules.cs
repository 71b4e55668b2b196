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
    public static string? FirstViolation(MethodBase method, IReadOnlyList<string> sameAs)
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
                if (Violation(used, sameAs) is { } why)
                {
                    return $"{why}.";
                }

                if (used is MethodBase callee && IsStudentCode(callee.Module.Assembly, submission))
                {
                    pending.Push(callee);
                }
            }
        }

        return null;
    }

    private static string? Violation(MemberInfo used, IReadOnlyList<string> sameAs)
    {
        Type? type = used as Type ?? used.DeclaringType;
        if (type is null)
        {
            return null;
        }

        while (type.IsNested)
        {
            type = type.DeclaringType!;
        }

        string ns = type.Namespace ?? "";
        // What the C# compiler emits on its own (array initialisers, spans of collection expressions, string
        // interpolation) lives here; the grader's check on the source sees only what the student wrote.
        if (ns == "System.Runtime.CompilerServices" || type.FullName is "System.Runtime.InteropServices.MemoryMarshal" or "System.Runtime.InteropServices.CollectionsMarshal")
        {
            return null;
        }

        string typeName = (type.IsGenericType ? type.GetGenericTypeDefinition().FullName! : type.FullName ?? type.Name).Split('`')[0];
        string? member = used is Type ? null : used is ConstructorInfo ? null : used.Name;
        return ApiRules.Violation(ns, typeName, member, type.Assembly.GetName().Name ?? "", sameAs);
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
