namespace Attention;

/// <summary>
/// Splitting a model-width vector into heads and merging head outputs back. With d_model = h · d_head,
/// head h owns features h·d_head .. (h+1)·d_head − 1 of every token: splitting is a reshape
/// [B, N, h·d] → [B, N, h, d] followed by swapping the token and head axes, giving [B, h, N, d];
/// merging undoes it, which is the concatenation Concat(head_1, …, head_h) along features.
/// </summary>
public static class Heads
{
    /// <summary>
    /// Splits <paramref name="X"/> [B, N, d_model] into <paramref name="heads"/> heads:
    /// result [B, heads, N, d_model / heads], with result[b, h, n, e] = X[b, n, h · d_head + e].
    /// </summary>
    /// <param name="X">Projected tokens [batch, seq, d_model]; d_model must be a multiple of <paramref name="heads"/>.</param>
    /// <param name="heads">The number of heads h ≥ 1.</param>
    /// <exception cref="ArgumentException">X is not rank 3, or d_model is not divisible by heads.</exception>
    public static Tensor Split(Tensor X, int heads)
    {
        Shapes.Require(X, nameof(X), "[batch, seq, dModel]", Shapes.Any, Shapes.Any, Shapes.Any);
        Shapes.RequirePositive(heads, nameof(heads));
        int B = X.Dim(0), N = X.Dim(1), dModel = X.Dim(2);
        if (dModel % heads != 0)
        {
            throw new ArgumentException(
                $"X has d_model = {dModel} features (shape {X.ShapeText}), which {heads} heads cannot share equally: " +
                $"d_model must be a multiple of heads.",
                nameof(heads));
        }

        var split = new Tensor(B, heads, N, dModel / heads);
        Split(X.Data, B, N, dModel, heads, split.Data);
        return split;
    }

    /// <summary>
    /// Split(X W + b, heads): the projection into heads every attention layer starts with, [B, N, d_in] →
    /// [B, heads, N, d_out / heads], equal to <c>Split(Linear.Forward(X, W, b), heads)</c> bit for bit; X W + b lives in a
    /// rented buffer instead of a tensor of its own.
    /// </summary>
    /// <param name="X">Tokens [batch, seq, dIn].</param>
    /// <param name="W">Projection [dIn, dOut]; dOut must be a multiple of <paramref name="heads"/>.</param>
    /// <param name="b">Optional bias [dOut].</param>
    /// <param name="heads">The number of heads h ≥ 1.</param>
    /// <exception cref="ArgumentException">X is not rank 3, W is not [dIn, dOut], b not [dOut], or dOut is not a multiple of heads.</exception>
    public static Tensor Project(Tensor X, Tensor W, Tensor? b, int heads)
    {
        Shapes.Require(X, nameof(X), "[batch, seq, dIn]", Shapes.Any, Shapes.Any, Shapes.Any);
        Shapes.Require(W, nameof(W), "[dIn, dOut]", X.Dim(2), Shapes.Any);
        Shapes.RequirePositive(heads, nameof(heads));
        int B = X.Dim(0), N = X.Dim(1), width = W.Dim(1);
        if (width % heads != 0)
        {
            throw new ArgumentException($"W has d_out = {width} columns (shape {W.ShapeText}), which {heads} heads cannot share equally.", nameof(heads));
        }

        var split = new Tensor(B, heads, N, width / heads);
        Project(X.Data, B, N, W, b, heads, split.Data);
        return split;
    }

    /// <summary><see cref="Project(Tensor, Tensor, Tensor?, int)"/> of B·N rows of X into <paramref name="split"/>; arrays may be longer (checked by the caller).</summary>
    internal static void Project(float[] X, int B, int N, Tensor W, Tensor? b, int heads, float[] split)
    {
        int width = W.Dim(1);
        float[] projected = System.Buffers.ArrayPool<float>.Shared.Rent(B * N * width);
        try
        {
            Linear.Forward(X, B * N, W, b, projected);
            Split(projected, B, N, width, heads, split);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(projected);
        }
    }

    /// <summary>
    /// <see cref="Split(Tensor, int)"/> of the first B·N·d_model floats of <paramref name="X"/> into the first ones of
    /// <paramref name="split"/> [B, heads, N, d_model / heads] (arrays may be longer: rented ones; checked by the caller).
    /// </summary>
    // Optimised at first call, like Gemm's kernels: a notebook's first forward passes would otherwise run it unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Split(float[] X, int B, int N, int dModel, int heads, float[] split)
    {
        int d = dModel / heads;
        for (int b = 0; b < B; b++)
        {
            for (int n = 0; n < N; n++)
            {
                int token = ((b * N) + n) * dModel;
                for (int h = 0; h < heads; h++)
                {
                    X.AsSpan(token + (h * d), d).CopyTo(split.AsSpan(((((b * heads) + h) * N) + n) * d, d));
                }
            }
        }
    }

    /// <summary>
    /// Concatenates head outputs along features: <paramref name="headOutputs"/> [B, h, N, d_v] → [B, N, h · d_v],
    /// with result[b, n, h · d_v + e] = headOutputs[b, h, n, e]. The inverse of <see cref="Split(Tensor, int)"/>.
    /// </summary>
    /// <param name="headOutputs">Per-head outputs [batch, heads, seq, valueDim].</param>
    /// <exception cref="ArgumentException">headOutputs is not rank 4.</exception>
    public static Tensor Merge(Tensor headOutputs)
    {
        Shapes.Require(headOutputs, nameof(headOutputs), "[batch, heads, seq, valueDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        int B = headOutputs.Dim(0), H = headOutputs.Dim(1), N = headOutputs.Dim(2), dv = headOutputs.Dim(3);
        var merged = new Tensor(B, N, H * dv);
        Merge(headOutputs.Data, B, H, N, dv, merged.Data);
        return merged;
    }

    /// <summary><see cref="Merge(Tensor)"/> on arrays that may be longer than [B, H, N, d_v] and [B, N, H · d_v] (checked by the caller).</summary>
    // Optimised at first call, like Gemm's kernels: a notebook's first forward passes would otherwise run it unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Merge(float[] headOutputs, int B, int H, int N, int dv, float[] merged)
    {
        for (int b = 0; b < B; b++)
        {
            for (int n = 0; n < N; n++)
            {
                int token = ((b * N) + n) * H * dv;
                for (int h = 0; h < H; h++)
                {
                    headOutputs.AsSpan(((((b * H) + h) * N) + n) * dv, dv).CopyTo(merged.AsSpan(token + (h * dv), dv));
                }
            }
        }
    }
}
