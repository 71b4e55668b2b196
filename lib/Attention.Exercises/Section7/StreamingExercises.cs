using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 7.2: what an induction circuit can still do through a sinks + window cache, and what the cache saves.</summary>
internal static class StreamingExercises
{
    /// <summary>Exercise 7.2a: the function the student writes.</summary>
    public delegate int[] PositionsPredictableThroughCache(int length, int period, int sinks, int window);

    /// <summary>Exercise 7.2b: the function the student writes.</summary>
    public delegate long[] StreamingDotProducts(int length, int sinks, int window);

    public static Exercise[] All =>
    [
        new Exercise<PositionsPredictableThroughCache>
        {
            Id = "7.2a",
            Title = "What an induction circuit can predict through a streaming cache",
            Points = 3,
            Notebook = "07.2",
            Task = "A stream of `length` tokens repeats one segment of `period` distinct tokens from its first token on (token n = segment[n mod period]). "
                + "It runs through a cache that keeps the first `sinks` tokens and a window of the last `window` (the newest included). An induction circuit predicts "
                + "the token after position p when, once token p has arrived, the cache holds a key whose previous token, as that key saw it when it arrived, equals "
                + "token p: it copies that key's token. Return, in increasing order, every p in 0 .. length − 2 whose next token it predicts. length and period must "
                + "be at least 1, sinks at least 0 and window at least 1, else an ArgumentException.",
            SameAs = [typeof(StreamingKvCache)],
            StoresAnswers = true,
            Cases =
            [
                Predictable("a window as long as the period", 40, 8, 0, 8),
                Predictable("a window one token shorter than the period", 40, 8, 0, 7),
                Predictable("4 sinks and a window shorter than the period", 40, 10, 4, 8),
                Predictable("a window of 1 with 2 sinks", 30, 6, 2, 1),
                Predictable("a stream too short to repeat", 5, 6, 0, 10),
                Cases.Throws<ArgumentException>(
                    "a window of 0 is rejected",
                    () => [20, 4, 2, 0],
                    "the window holds at least the newest token."),
            ],
        },

        new Exercise<StreamingDotProducts>
        {
            Id = "7.2b",
            Title = "The attention work of four ways to stream",
            Points = 2,
            Notebook = "07.2",
            Task = "A decoder reads a stream of `length` tokens, one at a time. Count the query–key dot products one head of one layer computes over the whole "
                + "stream in each of Xiao et al.'s four set-ups, and return them in this order: dense attention with a full cache; a cache of the last `window` tokens; "
                + "a sliding window with re-computation (for every new token, the last `window` tokens, the new one included, are run through the model again from "
                + "scratch, with no cache); and `sinks` first tokens kept beside a window of `window`. A token always attends to itself. length and window must be at "
                + "least 1 and sinks at least 0, else an ArgumentException.",
            SameAs = [typeof(StreamingKvCache), typeof(SlidingWindowKvCache)],
            StoresAnswers = true,
            Cases =
            [
                DotProducts("a stream shorter than the window", 5, 2, 8),
                DotProducts("a 4-token window with 4 sinks over 100 tokens", 100, 4, 4),
                DotProducts("a window of 1, no sinks", 10, 0, 1),
                DotProducts("a long stream", 100_000, 4, 1020),
                Cases.Throws<ArgumentException>(
                    "negative sinks are rejected",
                    () => [10, -1, 4],
                    "a cache cannot keep a negative number of tokens."),
            ],
        },
    ];

    private static GradedCase Predictable(string name, int length, int period, int sinks, int window) =>
        PracticeAnswers.Values<int>(
            "7.2a",
            name,
            () => [length, period, sinks, window],
            "run the notebook's measurement with a window equal to the period and one token shorter: which key does the model need to still be there?",
            tolerance: 0);

    private static GradedCase DotProducts(string name, int length, int sinks, int window) =>
        PracticeAnswers.Values<long>(
            "7.2b",
            name,
            () => [length, sinks, window],
            "count for one new token first, then sum over the stream: near its start, a stream has fewer tokens than any cache could hold.",
            tolerance: 0);
}
