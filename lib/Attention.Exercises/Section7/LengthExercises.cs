using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 7.3: which RoPE pairs leave what training showed them, and how far an ALiBi head can look.</summary>
internal static class LengthExercises
{
    /// <summary>Exercise 7.3a: the function the student writes.</summary>
    public delegate int[] UnseenAnglePairs(double[] trainedFrequencies, double[] usedFrequencies, int trainedContext, int targetLength);

    /// <summary>Exercise 7.3b: the function the student writes.</summary>
    public delegate int[] AlibiReach(int heads, double logitSpread, double epsilon);

    public static Exercise[] All =>
    [
        new Exercise<UnseenAnglePairs>
        {
            Id = "7.3a",
            Title = "The RoPE pairs a longer input takes out of distribution",
            Points = 3,
            Notebook = "07.3",
            Task = "A RoPE model was trained on sequences of trainedContext tokens with the frequencies trainedFrequencies (one per pair). It now reads "
                + "targetLength tokens with usedFrequencies (the same, or rescaled). Which pairs meet, at some query–key distance, a rotation angle no distance in "
                + "training produced? Count a pair that completed a full turn in training as having produced every angle. Return their indices in increasing order. "
                + "The two arrays must have the same non-zero length and positive finite values, and both lengths must be at least 1, else an ArgumentException.",
            SameAs = [typeof(RopeScaling), typeof(Rope)],
            StoresAnswers = true,
            Cases =
            [
                Unseen("plain RoPE at twice the trained length", Rope(16), Rope(16), 32, 64),
                Unseen("the trained length itself", Rope(16), Rope(16), 32, 32),
                Unseen("position interpolation to 4×", Rope(16), RopeScaling.Interpolated(16, 4), 32, 128),
                Unseen("NTK-aware scaling to 4×", Rope(16), RopeScaling.NtkAware(16, 4), 32, 128),
                Unseen("a long-trained model at 4×", Rope(128), Rope(128), 4096, 16_384),
                Cases.Throws<ArgumentException>(
                    "frequency arrays of different lengths are rejected",
                    () => [new[] { 1.0, 0.1 }, new[] { 1.0 }, 8, 16],
                    "one frequency per pair, in both arrays."),
            ],
        },

        new Exercise<AlibiReach>
        {
            Id = "7.3b",
            Title = "How far an ALiBi head can look",
            Points = 2,
            Notebook = "07.3",
            Task = "In an ALiBi model with `heads` heads (the paper's slopes), the content part of any two logits of one query, before the bias, differs by at most "
                + "logitSpread. For each head, what is the largest query–key distance at which a key can still get at least epsilon times the weight of the query's "
                + "own key? heads must be at least 1, logitSpread finite and at least 0, and epsilon in (0, 1], else an ArgumentException.",
            SameAs = [typeof(Alibi)],
            StoresAnswers = true,
            Cases =
            [
                Reach("8 heads, no content preference, 1 %", 8, 0, 0.01),
                Reach("8 heads, a spread of 4, 1 %", 8, 4, 0.01),
                Reach("6 heads, a spread of 4, 1 %", 6, 4, 0.01),
                Reach("one head, a spread of 2.5, a half", 1, 2.5, 0.5),
                Reach("12 heads, a spread of 10, 1e-4", 12, 10, 1e-4),
                Cases.Throws<ArgumentException>(
                    "epsilon 0 is rejected",
                    () => [4, 1.0, 0.0],
                    "every key gets a weight above 0, so 'at least 0 times' says nothing."),
            ],
        },
    ];

    private static double[] Rope(int headDim) => RopeScaling.Interpolated(headDim, 1);

    private static GradedCase Unseen(string name, double[] trained, double[] used, int context, int target) =>
        PracticeAnswers.Values<int>(
            "7.3a",
            name,
            () => [trained.Clone(), used.Clone(), context, target],
            "which distances does a sequence of n tokens contain? And what angles has a pair seen once it went all the way round?",
            tolerance: 0);

    private static GradedCase Reach(string name, int heads, double spread, double epsilon) =>
        PracticeAnswers.Values<int>(
            "7.3b",
            name,
            () => [heads, spread, epsilon],
            "the bias grows with the distance while the content can make up a fixed amount; and with a head count that is not a power of two, which slopes does the paper hand out?",
            tolerance: 0);
}
