using Attention;
using Attention.Exercises;
using Course.Grading;

namespace Course.Grader;

/// <summary>One compiled exercise cell for a worker to load and run.</summary>
/// <param name="Exercise">The exercise.</param>
/// <param name="Assembly">The compiled cell.</param>
/// <param name="EntryType">Script class name.</param>
/// <param name="EntryMethod">Script factory method name.</param>
/// <param name="Cases">The cases to run: the exercise's practice cases, then any hidden case of this grading run.</param>
public sealed record WorkerTask(Exercise Exercise, byte[] Assembly, string EntryType, string EntryMethod, IReadOnlyList<GradedCase> Cases);

/// <summary>
/// Grades one student's compiled cells through a worker process: for each exercise the worker loads the cell, then
/// for each graded case this process builds the arguments, the worker makes the call and sends back what it returned
/// or threw, and this process — which never loads student code — judges it, scores it and caps it at the exercise's
/// points. A timeout or a dead worker costs only the exercise it was running; a new worker runs the rest.
/// </summary>
/// <remarks>
/// One exercise's cell cannot change another's outputs: its assembly is sent and loaded only when its exercise starts
/// (there are no cell files for other code to change), every
/// request carries a fresh random id that its single answer must repeat, answers come on a pipe that only this
/// process reads, and the cell may not start threads or tasks (the API rules), so no code of one exercise runs while
/// another is asked. What an answer holds is only ever a claimed result, which is judged like a returned one.
/// </remarks>
public sealed class WorkerClient(GradingOptions options)
{
    /// <summary>Grades <paramref name="tasks"/> in a worker working in <paramref name="folder"/>; one report per exercise id.</summary>
    public async Task<Dictionary<string, (ExerciseReport? Report, WorkerFailure? Failure)>> RunAsync(
        IReadOnlyList<WorkerTask> tasks, string folder, IReadOnlyList<string> hidden)
    {
        var results = new Dictionary<string, (ExerciseReport?, WorkerFailure?)>();
        WorkerProcess? worker = null;
        try
        {
            foreach (WorkerTask task in tasks)
            {
                bool fresh = worker is null;
                worker ??= WorkerProcess.Start(folder, options, hidden);
                var (report, failure) = await RunExerciseAsync(worker, task, fresh ? options.StartupTimeout : TimeSpan.Zero);
                results[task.Exercise.Id] = (report, failure);
                if (failure is not null)
                {
                    worker.Dispose();
                    worker = null;
                }
            }
        }
        finally
        {
            // Before any report is written: the worker and everything it started are gone.
            worker?.Dispose();
        }

        return results;
    }

    private async Task<(ExerciseReport? Report, WorkerFailure? Failure)> RunExerciseAsync(WorkerProcess worker, WorkerTask task, TimeSpan startup)
    {
        // A fresh worker may first need to start (the runtime, the JIT): that time is not the student's.
        DateTime deadline = DateTime.UtcNow + options.Timeout + startup;
        var load = new WorkerRequest(Guid.NewGuid(), RequestKind.Load, task.Assembly, task.EntryType, task.EntryMethod, []);
        var (loaded, failure) = await worker.AskAsync(load, deadline, options.Timeout);
        if (failure is not null)
        {
            return (null, failure);
        }

        deadline = DateTime.UtcNow + options.Timeout;
        if (loaded!.Kind != ResponseKind.Loaded)
        {
            string what = loaded.Thrown.Count > 0 ? loaded.Thrown[0][(loaded.Thrown[0].LastIndexOf('.') + 1)..] : "an error";
            string status = loaded.Thrown.Contains(typeof(OutOfMemoryException).FullName!) ? GradeStatus.OutOfMemory : GradeStatus.Failed;
            return (null, new WorkerFailure(status, $"the exercise cell's top-level code threw {what}: {loaded.Message.Split('\n')[0]}"));
        }

        var outcomes = new List<IReadOnlyList<CallOutcome>>();
        foreach (GradedCase graded in task.Cases)
        {
            var calls = new List<CallOutcome>();
            foreach (object?[] arguments in graded.Calls())
            {
                var call = new WorkerRequest(Guid.NewGuid(), RequestKind.Call, [], "", "", arguments);
                var (answer, callFailure) = await worker.AskAsync(call, deadline, options.Timeout);
                if (callFailure is not null)
                {
                    return (null, callFailure);
                }

                calls.Add(answer!.Kind == ResponseKind.Returned
                    ? new CallOutcome(answer.Output, answer.ArgumentsAfter, [], "")
                    : new CallOutcome(null, answer.ArgumentsAfter, answer.Thrown.Count > 0 ? answer.Thrown : ["System.Exception"], answer.Message));
            }

            outcomes.Add(calls);
        }

        return (task.Exercise.Judge(task.Cases, outcomes), null);
    }
}
