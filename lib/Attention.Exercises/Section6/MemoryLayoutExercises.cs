using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 6.2: reading one head out of either memory layout, and the bytes standard attention moves.</summary>
internal static class MemoryLayoutExercises
{
    /// <summary>Exercise 6.2a: the function the student writes.</summary>
    public delegate Tensor ReadHead(float[] storage, int B, int H, int S, int D, bool tokenMajor, int b, int h);

    /// <summary>Exercise 6.2b: the function the student writes.</summary>
    public delegate long[] StandardTrafficBytes(int B, int H, int N, int d, int bytesPerValue);

    public static Exercise[] All =>
    [
        new Exercise<ReadHead>
        {
            Id = "6.2a",
            Title = "Read one head out of either layout",
            Points = 2,
            Notebook = "06.2",
            Task = "storage holds a logical [B, H, S, D] tensor, stored heads-first as [B, H, S, D] (tokenMajor = false) or token-major as [B, S, H, D] (tokenMajor = true, as X·W writes it). Return head h of batch row b as [S, D]: element (s, e) is logical element (b, h, s, e). Work out each axis's stride.",
            SameAs = [typeof(MemoryLayout), typeof(Heads), typeof(TensorInterop), LibraryMember.Of(typeof(Tensor), nameof(Tensor.Head)), LibraryMember.Of(typeof(Tensor), nameof(Tensor.HeadSpan))],
            Cases =
            [
                Head("heads-first: head 1 of batch row 0", B: 1, H: 3, S: 5, D: 4, tokenMajor: false, b: 0, h: 1, seed: 621),
                Head("token-major: head 2 of batch row 1", B: 2, H: 4, S: 3, D: 2, tokenMajor: true, b: 1, h: 2, seed: 622),
                Head("token-major: the last head, D = 1", B: 1, H: 5, S: 6, D: 1, tokenMajor: true, b: 0, h: 4, seed: 623),
                Head("heads-first, batch row 2 of 3", B: 3, H: 2, S: 4, D: 3, tokenMajor: false, b: 2, h: 0, seed: 624),
                Head("one head: both layouts store the same order", B: 2, H: 1, S: 3, D: 4, tokenMajor: true, b: 1, h: 0, seed: 625),
            ],
        },

        new Exercise<StandardTrafficBytes>
        {
            Id = "6.2b",
            Title = "The bytes standard attention moves",
            Points = 2,
            Notebook = "06.2",
            Task = "Standard attention for B sequences × H heads of N tokens, head dimension d, runs three passes, each reading its inputs from memory once and writing its result once: S = Q Kᵀ (read Q, K; write S), P = softmax(S) (read S; write P), O = P V (read P, V; write O). Return { bytes read, bytes written }. Use long.",
            SameAs = [typeof(IoModel), typeof(CostModel)],
            Cases =
            [
                Traffic("one head: N = 4, d = 2, fp32", 1, 1, 4, 2, 4),
                Traffic("GPT-2 small heads: B = 1, H = 12, N = 1024, d = 64, fp16", 1, 12, 1024, 64, 2),
                Traffic("32 heads at N = 32768, d = 128: past 2³¹ bytes", 1, 32, 32768, 128, 2),
                Traffic("a batch of 8 short sequences, N = 1", 8, 4, 1, 16, 4),
            ],
        },
    ];

    private static GradedCase Head(string name, int B, int H, int S, int D, bool tokenMajor, int b, int h, int seed) =>
        Cases.Tensor(
            name,
            () =>
            {
                float[] storage = Tensor.Random(seed, [B * H * S * D]).Data;
                Layout layout = tokenMajor ? Layout.BSHD : Layout.BHSD;
                var head = new Tensor(S, D);
                for (int s = 0; s < S; s++)
                {
                    for (int e = 0; e < D; e++)
                    {
                        head[s, e] = storage[MemoryLayout.Offset(layout, [B, H, S, D], b, h, s, e)];
                    }
                }

                return head;
            },
            () => [Tensor.Random(seed, [B * H * S * D]).Data, B, H, S, D, tokenMajor, b, h],
            "heads-first strides (b, h, s, e) are (H·S·D, S·D, D, 1); token-major (S·H·D, D, H·D, 1): a head's rows are D apart when heads-first, H·D apart when token-major.",
            tolerance: 0);

    private static GradedCase Traffic(string name, int B, int H, int N, int d, int bytes) =>
        Cases.Values(
            name,
            () =>
            {
                StandardIo io = IoModel.Standard(N, d, d);
                long perValue = (long)B * H * bytes;
                return new[] { io.Reads * perValue, io.Writes * perValue };
            },
            () => [B, H, N, d, bytes],
            "per head: reads Q, K (N·d each), S (N²), P (N²), V (N·d); writes S, P (N² each) and O (N·d). Multiply by B·H·bytesPerValue in long.");
}
