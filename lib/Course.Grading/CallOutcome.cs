using System.Reflection;

namespace Course.Grading;

/// <summary>
/// What one call of a submitted function did: its return value and its arguments after the call, or the exception it
/// threw. A notebook's check makes the call in the kernel; the grader's worker process makes it and sends this back,
/// so the grade is decided where no student code runs.
/// </summary>
/// <param name="Output">The return value (null when the call threw).</param>
/// <param name="ArgumentsAfter">The arguments as they were after the call (a function may mutate its inputs).</param>
/// <param name="Thrown">The exception's full type name and those of its base types, most derived first; empty when it returned.</param>
/// <param name="Message">The exception's message (empty when it returned).</param>
public sealed record CallOutcome(object? Output, IReadOnlyList<object?> ArgumentsAfter, IReadOnlyList<string> Thrown, string Message)
{
    /// <summary>True when the call threw.</summary>
    public bool Threw => Thrown.Count > 0;

    /// <summary>True when the call threw an exception of type <typeparamref name="T"/> (or derived from it).</summary>
    public bool ThrewA<T>()
        where T : Exception => Thrown.Contains(typeof(T).FullName!);

    /// <summary>Calls <paramref name="solution"/> with <paramref name="arguments"/> in this process, catching what it throws.</summary>
    /// <param name="solution">The submitted function.</param>
    /// <param name="arguments">Its arguments (the array is passed as is: the outcome shows what the call did to them).</param>
    public static CallOutcome Invoke(Delegate solution, object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(solution);
        try
        {
            object? output = solution.DynamicInvoke(arguments);
            return new CallOutcome(output, arguments, [], "");
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return Failed(e.InnerException, arguments);
        }
        catch (Exception e) when (e is ArgumentException or TargetParameterCountException or MemberAccessException)
        {
            return Failed(e, arguments);
        }
    }

    /// <summary>The outcome of a call that threw <paramref name="exception"/>.</summary>
    public static CallOutcome Failed(Exception exception, IReadOnlyList<object?> arguments)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new CallOutcome(null, arguments, ExceptionChain.Of(exception), exception.Message);
    }
}
