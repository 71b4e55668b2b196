using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 7.4: what a paged cache holds when samples share a prompt, and what a padded batch may see.</summary>
internal static class ServingExercises
{
    /// <summary>Exercise 7.4a: the function the student writes.</summary>
    public delegate long BlocksForParallelSampling(int promptTokens, int samples, int generatedTokens, int blockSize);

    /// <summary>Exercise 7.4b: the function the student writes.</summary>
    public delegate Tensor PaddedWindowMask(int[] promptLengths, int generated, int window);

    public static Exercise[] All =>
    [
        new Exercise<BlocksForParallelSampling>
        {
            Id = "7.4a",
            Title = "Blocks in use when samples share a prompt",
            Points = 3,
            Notebook = "07.4",
            Task = "`samples` completions are drawn in parallel from one prompt of promptTokens tokens, in a paged cache of blockSize-token blocks. The prompt's blocks "
                + "are shared by every sample, with a reference count. A sample about to write a token into a block that others still share first copies it "
                + "(copy-on-write) and writes into its copy; a block nobody references any more is freed. Once every sample has generated generatedTokens tokens, how many "
                + "blocks are in use? promptTokens, samples and blockSize must be at least 1 and generatedTokens at least 0, else an ArgumentException.",
            SameAs = [typeof(KvBlockPool), typeof(PagedKvCache)],
            StoresAnswers = true,
            Cases =
            [
                Blocks("one sample: the prompt and its continuation, nothing shared", 10, 1, 7, 4),
                Blocks("nothing generated yet: only the prompt's blocks", 10, 4, 0, 4),
                Blocks("4 samples after 3 tokens, prompt ending mid-block", 10, 4, 3, 4),
                Blocks("the prompt fills its last block exactly", 12, 3, 5, 4),
                Blocks("vLLM's block size, 8 samples of 100 tokens", 1000, 8, 100, 16),
                Cases.Throws<ArgumentException>(
                    "a block of 0 tokens is rejected",
                    () => [10, 2, 3, 0],
                    "a block holds at least one token."),
            ],
        },

        new Exercise<PaddedWindowMask>
        {
            Id = "7.4b",
            Title = "What a padded batch may see through a window",
            Points = 2,
            Notebook = "07.4",
            Task = "A batch of prompts of lengths promptLengths is left-padded to the longest, P, and decoded together; after `generated` steps the current token has "
                + "just been appended, so each sequence's cache has S = P + generated + 1 slots and the current token is in the last one. The model attends through "
                + "a sliding window of `window` tokens (the current one included). Return a tensor [B, S] with 1 where the current token of sequence b may attend "
                + "to slot s, else 0. window and every prompt length must be at least 1, and generated at least 0, else an ArgumentException.",
            SameAs = [typeof(Mask), typeof(SparseAttention)],
            StoresAnswers = true,
            Cases =
            [
                Window("one prompt, no padding, a window wider than everything", [3], 0, 10),
                Window("prompts of 2 and 5 after one step, window 8", [2, 5], 1, 8),
                Window("window 1: only the current token", [4, 2], 3, 1),
                Window("a window of 3 that would reach the shorter prompt's padding", [1, 6], 0, 3),
                Cases.Throws<ArgumentException>(
                    "a window of 0 tokens is rejected",
                    () => [new[] { 2, 3 }, 1, 0],
                    "the window holds at least the current token."),
            ],
        },
    ];

    private static GradedCase Blocks(string name, int prompt, int samples, int generated, int blockSize) =>
        PracticeAnswers.Value<long>(
            "7.4a",
            name,
            () => [prompt, samples, generated, blockSize],
            "follow the prompt's last block through the first write of each sample: how many copies of it exist at the end? Then ask which blocks no sample ever writes to.",
            tolerance: 0);

    private static GradedCase Window(string name, int[] lengths, int generated, int window) =>
        PracticeAnswers.Tensor(
            "7.4b",
            name,
            () => [lengths.Clone(), generated, window],
            "a slot inside the window is not always a token: what sits at the front of a shorter prompt's row?",
            tolerance: 0);
}
