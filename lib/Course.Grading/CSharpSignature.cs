using System.Reflection;

namespace Course.Grading;

/// <summary>
/// The C# text of a delegate's signature, e.g. <c>Tensor SplitHeads(Tensor X, int heads)</c> for
/// <c>delegate Tensor SplitHeads(Tensor X, int heads)</c>: the exercise declares its signature once, as a delegate,
/// and the stub, the task text and the grader's compile read it from there.
/// </summary>
public static class CSharpSignature
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool",
        [typeof(int)] = "int",
        [typeof(long)] = "long",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(string)] = "string",
        [typeof(object)] = "object",
        [typeof(void)] = "void",
    };

    /// <summary>The signature of <paramref name="delegateType"/>'s Invoke method, named after the delegate.</summary>
    public static string Of(Type delegateType)
    {
        MethodInfo invoke = InvokeOf(delegateType);
        string parameters = string.Join(", ", invoke.GetParameters().Select(p => $"{TypeText(p.ParameterType)} {p.Name}"));
        return $"{TypeText(invoke.ReturnType)} {delegateType.Name}({parameters})";
    }

    /// <summary>The equivalent <c>Func&lt;…&gt;</c> type, which any assembly can name.</summary>
    public static Type FuncOf(Type delegateType)
    {
        MethodInfo invoke = InvokeOf(delegateType);
        return System.Linq.Expressions.Expression.GetFuncType([.. invoke.GetParameters().Select(p => p.ParameterType), invoke.ReturnType]);
    }

    /// <summary>The C# text of a type: keywords, arrays and generics as a programmer writes them.</summary>
    public static string TypeText(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (Keywords.TryGetValue(type, out string? keyword))
        {
            return keyword;
        }

        if (type.IsArray)
        {
            return TypeText(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsGenericType)
        {
            string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
            return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeText))}>";
        }

        return type.Name;
    }

    private static MethodInfo InvokeOf(Type delegateType)
    {
        ArgumentNullException.ThrowIfNull(delegateType);
        return typeof(Delegate).IsAssignableFrom(delegateType) && delegateType.GetMethod("Invoke") is { } invoke
            ? invoke
            : throw new ArgumentException($"{delegateType} is not a delegate type.", nameof(delegateType));
    }
}
