using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 6.2: the strides of any memory layout, and the bytes FlashAttention moves.</summary>
internal static class MemoryLayoutExercises
{
    /// <summary>Exercise 6.2a: the function the student writes.</summary>
    public delegate long[] LayoutStrides(int[] shape, int[] order);

    /// <summary>Exercise 6.2b: the function the student writes.</summary>
    public delegate long[] FlashTrafficBytes(int B, int H, int N, int d, int bytesPerValue, int blockRows);

    public static Exercise[] All =>
    [
        new Exercise<LayoutStrides>
        {
            Id = "6.2a",
            Title = "The strides of any layout",
            Points = 2,
            Notebook = "06.2",
            Task = "A tensor of logical shape `shape` is stored contiguously with its axes in the order `order` (order[0] is the outermost stored axis, order[^1] the "
                + "innermost; heads-first [B, H, S, D] is order {0, 1, 2, 3}, token-major is {0, 2, 1, 3}). Return the stride of each LOGICAL axis, in elements: "
                + "how far apart in storage two elements are that differ by one along that axis. An order that is not a permutation of the axes is rejected with an ArgumentException.",
            SameAs = [typeof(MemoryLayout), typeof(Heads), typeof(TensorInterop)],
            StoresAnswers = true,
            Cases =
            [
                Strides("heads-first [B, H, S, D] = [2, 3, 5, 4]", [2, 3, 5, 4], [0, 1, 2, 3]),
                Strides("token-major: [2, 3, 5, 4] stored as [B, S, H, D]", [2, 3, 5, 4], [0, 2, 1, 3]),
                Strides("a transposed matrix [3, 7] stored column by column", [3, 7], [1, 0]),
                Strides("every axis reversed, [2, 3, 4]", [2, 3, 4], [2, 1, 0]),
                Strides("an axis of length 1 still has a stride", [4, 1, 6], [1, 2, 0]),
                Cases.Throws<ArgumentException>(
                    "order {0, 0, 2} is rejected",
                    () => [new[] { 2, 3, 4 }, new[] { 0, 0, 2 }],
                    "every axis is stored exactly once."),
            ],
        },

        new Exercise<FlashTrafficBytes>
        {
            Id = "6.2b",
            Title = "The bytes FlashAttention moves",
            Points = 2,
            Notebook = "06.2",
            Task = "FlashAttention-2's forward pass for B sequences × H heads of N tokens, head dimension d, handles one block of blockRows query rows at a time "
                + "(the last block may be shorter). Nothing of size N × N ever reaches main memory, and nothing stays on chip from one query block to the next. "
                + "Count what must cross between main memory and the chip for Q, K, V and O only (ignore the softmax statistics): return { bytes read, bytes written }, "
                + "bytesPerValue per value, in long. Sizes must be positive, else an ArgumentException.",
            SameAs = [typeof(IoModel), typeof(CostModel), typeof(FlashAttention)],
            StoresAnswers = true,
            Cases =
            [
                Flash("one head: N = 4, d = 2, fp32, blocks of 2", 1, 1, 4, 2, 4, 2),
                Flash("GPT-2 small heads: H = 12, N = 1024, d = 64, fp16, blocks of 128", 1, 12, 1024, 64, 2, 128),
                Flash("32 heads at N = 32768, d = 128, blocks of 128: past 2³¹ bytes", 1, 32, 32768, 128, 2, 128),
                Flash("N = 1000 in blocks of 64: the last block is short", 2, 4, 1000, 64, 2, 64),
                Flash("one block holds every query", 1, 2, 100, 16, 4, 256),
                Cases.Throws<ArgumentException>(
                    "blocks of 0 rows are rejected",
                    () => [1, 1, 8, 4, 2, 0],
                    "a block holds at least one query row."),
            ],
        },
    ];

    private static GradedCase Strides(string name, int[] shape, int[] order) =>
        PracticeAnswers.Values<long>(
            "6.2a",
            name,
            () => [shape.Clone(), order.Clone()],
            "walk the stored axes from the innermost outwards: each one's stride is the number of elements one step of it skips. Then give each logical axis its own.",
            tolerance: 0);

    private static GradedCase Flash(string name, int B, int H, int N, int d, int bytes, int blockRows) =>
        PracticeAnswers.Values<long>(
            "6.2b",
            name,
            () => [B, H, N, d, bytes, blockRows],
            "follow one query block: what it must bring in to finish its rows, and what it leaves behind. Then ask how many blocks there are.",
            tolerance: 0);
}
