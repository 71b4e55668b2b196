using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>Notebook 7.1: what absorption saves at decode time, and why RoPE cannot sit on the compressed keys.</summary>
internal static class LatentAttentionExercises
{
    /// <summary>Exercise 7.1a: the function the student writes.</summary>
    public delegate long[] LatentDecodeMultiplyAdds(int heads, int headDim, int latentDim, int ropeDim, int cachedTokens);

    /// <summary>Exercise 7.1b: the function the student writes.</summary>
    public delegate Tensor RotatedKeyProjection(Tensor WUk, int delta);

    public static Exercise[] All =>
    [
        new Exercise<LatentDecodeMultiplyAdds>
        {
            Id = "7.1a",
            Title = "What absorption saves per decoded token",
            Points = 2,
            Notebook = "07.1",
            Task = "One decode step of one MLA layer: the cache holds cachedTokens tokens (the new one included), there are `heads` heads whose keys have a content part "
                + "of headDim and a decoupled RoPE part of ropeDim, values of headDim, and a latent of latentDim. The explicit form keeps only the latent cache and "
                + "rebuilds every head's keys and values from it at each step, then attends. The absorbed form attends over the cache itself: each head's content "
                + "query is multiplied by W_UK,hᵀ at run time and W_UV,h is applied after the weighted sum. Count the multiply-adds of each form, leaving out what "
                + "both share (the projections of the new token: W_DKV, W_KR, W_Q, W_QR and W_O, and the softmax). Return { explicit, absorbed } as long. "
                + "Sizes must be positive (ropeDim may be 0), else an ArgumentException.",
            SameAs = [typeof(LatentAttention), typeof(CostModel)],
            StoresAnswers = true,
            Cases =
            [
                Count("one head, every size 1, one cached token", 1, 1, 1, 0, 1),
                Count("a small layer: 4 heads of 16 + 8, latent 32, 100 tokens", 4, 16, 32, 8, 100),
                Count("DeepSeek-V2 sizes (128 heads of 128 + 64, latent 512) at 4096 tokens", 128, 128, 512, 64, 4096),
                Count("DeepSeek-V2 sizes at the first decoded token", 128, 128, 512, 64, 1),
                Cases.Throws<ArgumentException>(
                    "an empty cache is rejected",
                    () => [2, 4, 8, 2, 0],
                    "a decode step attends to at least its own token."),
            ],
        },

        new Exercise<RotatedKeyProjection>
        {
            Id = "7.1b",
            Title = "The matrix RoPE would put between the query and the latent",
            Points = 3,
            Notebook = "07.1",
            Task = "Suppose RoPE (rotate-half pairs, base 10000, as Rope with RopeLayout.RotateHalf) were applied to one head's content key k_n = c_n W_UK at its "
                + "position n and to its query at position m, with no decoupled part. W_UK is [d_c, d_h]. Return the matrix A [d_c, d_h] such that "
                + "RoPE(q, m) · RoPE(c W_UK, n) = q · (c A) for every query q, every latent c and every m, n with n − m = delta: the matrix absorption would "
                + "have to fold into the query for keys delta positions away. delta may be negative. d_h must be even and positive, else an ArgumentException.",
            SameAs = [typeof(LatentAttention)],
            StoresAnswers = true,
            Cases =
            [
                Rotated("delta = 0: the key and the query sit at the same place", [3, 4], 0, 1),
                Rotated("delta = 1, d_c = 2, d_h = 2", [2, 2], 1, 2),
                Rotated("delta = 5, d_c = 3, d_h = 8", [3, 8], 5, 3),
                Rotated("delta = −3: the key lies after the query", [2, 4], -3, 4),
                Cases.Throws<ArgumentException>(
                    "an odd head dimension is rejected",
                    () => [Tensor.Random(5, [2, 3]), 1],
                    "RoPE rotates pairs of dimensions."),
            ],
        },
    ];

    private static GradedCase Count(string name, int heads, int headDim, int latentDim, int ropeDim, int tokens) =>
        PracticeAnswers.Values<long>(
            "7.1a",
            name,
            () => [heads, headDim, latentDim, ropeDim, tokens],
            "follow one head through each form: what is multiplied once per step, and what once per cached token? The two forms differ in which of d_c and d_h each token pays for.",
            tolerance: 0);

    private static GradedCase Rotated(string name, int[] shape, int delta, int seed) =>
        PracticeAnswers.Tensor(
            "7.1b",
            name,
            () => [Tensor.Random(seed, shape), delta],
            "RoPE is a rotation, linear in the vector it rotates, and ⟨R_m q, R_n k⟩ only depends on n − m. Check your sign with a key one position after the query.");
}
