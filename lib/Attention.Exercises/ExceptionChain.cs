namespace Attention;

/// <summary>
/// An exception's full type name and those of its base types, most derived first: how a call's failure is described
/// wherever the call is made. One source compiled into Attention.Exercises (notebook checks) and into the grader's
/// worker, which must not reference the exercises.
/// </summary>
internal static class ExceptionChain
{
    public static string[] Of(Exception exception)
    {
        var chain = new List<string>();
        for (Type? t = exception.GetType(); t is not null; t = t.BaseType)
        {
            chain.Add(t.FullName ?? t.Name);
        }

        return [.. chain];
    }
}
