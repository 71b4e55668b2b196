namespace Course.Grading;

/// <summary>
/// An exception's full type name and those of its base types, most derived first: how a call's failure is described
/// wherever the call is made: in a notebook's check and in the grader's worker alike.
/// </summary>
public static class ExceptionChain
{
    /// <summary>The type names of <paramref name="exception"/> and its base types, most derived first.</summary>
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
