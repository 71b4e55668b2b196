using System.IO.Pipes;
using System.Reflection;
using System.Runtime.Loader;

namespace Course.Grader.Worker;

/// <summary>
/// The child process that runs student code. It reads the two pipe handles from its first line of stdin, then serves
/// requests: load a compiled exercise cell (its top-level code runs then, not before), call its function with the
/// arguments sent, answer with what the call returned or threw. It knows no expected value, tolerance or score: the
/// grader judges the answers in its own process. Whatever student code does to this process (loop, overflow the
/// stack, exit, exhaust the capped heap) the grader sees from outside as a missing answer.
/// </summary>
public static class Worker
{
    /// <summary>Runs the worker loop; returns the exit code.</summary>
    public static int Run()
    {
        string[] handles = (Console.ReadLine() ?? "").Split(' ');
        if (handles.Length != 2)
        {
            Console.Error.WriteLine("worker: expected two pipe handles on the first line of stdin");
            return 2;
        }

        if (!int.TryParse(handles[0], out int requestFd) || !int.TryParse(handles[1], out int responseFd))
        {
            Console.Error.WriteLine("worker: the pipe handles are not descriptor numbers");
            return 2;
        }

        // Nothing the grader held open, other than the two pipes and stdio, stays reachable from student code.
        InheritedDescriptors.CloseAllBut(new HashSet<int> { 0, 1, 2, requestFd, responseFd });
        using var requests = new AnonymousPipeClientStream(PipeDirection.In, handles[0]);
        using var responses = new AnonymousPipeClientStream(PipeDirection.Out, handles[1]);
        // Student code may print; nothing it prints reaches the grader.
        Console.SetOut(TextWriter.Null);
        Console.SetError(TextWriter.Null);
        Console.SetIn(TextReader.Null);

        Delegate? function = null;
        while (WorkerFrames.ReadRequest(requests) is { } request)
        {
            WorkerResponse response;
            if (request.Kind == RequestKind.Load)
            {
                (function, response) = Load(request);
            }
            else if (function is null)
            {
                response = new WorkerResponse(request.Id, ResponseKind.LoadFailed, null, [], [], "no exercise cell is loaded");
            }
            else
            {
                response = Call(request, function);
            }

            try
            {
                WorkerFrames.Write(responses, response);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidDataException)
            {
                // The result cannot travel (an unsupported type, or too large): say so instead.
                WorkerFrames.Write(responses, new WorkerResponse(request.Id, ResponseKind.Threw, null, [], ["Course.Grading.UnreadableResult"], $"returned {e.Message}"));
            }
        }

        // Exit even if student code left foreground threads running.
        Environment.Exit(0);
        return 0;
    }

    /// <summary>
    /// Runs a compiled exercise cell's top-level code (the script factory) and returns the delegate its trailing
    /// expression produces: the student's function.
    /// </summary>
    public static Delegate Solution(Assembly assembly, string entryType, string entryMethod)
    {
        MethodInfo factory = assembly.GetType(entryType, throwOnError: true)!
            .GetMethod(entryMethod, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!;

        // Slot 0 is the script's globals object (none), slot 1 this submission.
        var run = (Task<object>)factory.Invoke(null, [new object?[2]])!;
        return (Delegate)run.GetAwaiter().GetResult();
    }

    private static (Delegate? Function, WorkerResponse Response) Load(WorkerRequest request)
    {
        try
        {
            Assembly assembly = AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(request.Assembly));
            return (Solution(assembly, request.EntryType, request.EntryMethod), new WorkerResponse(request.Id, ResponseKind.Loaded, null, [], [], ""));
        }
        catch (Exception e)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            return (null, new WorkerResponse(request.Id, ResponseKind.LoadFailed, null, [], Course.Grading.ExceptionChain.Of(inner), inner.Message));
        }
    }

    private static WorkerResponse Call(WorkerRequest request, Delegate function)
    {
        object?[] arguments = [.. request.Arguments];
        try
        {
            object? output = function.DynamicInvoke(arguments);
            return new WorkerResponse(request.Id, ResponseKind.Returned, output, arguments, [], "");
        }
        catch (Exception e)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            return new WorkerResponse(request.Id, ResponseKind.Threw, null, arguments, Course.Grading.ExceptionChain.Of(inner), inner.Message);
        }
    }
}
