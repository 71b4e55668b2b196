namespace Attention;

/// <summary>Which dimensions of a head vector RoPE rotates together as one 2-D pair.</summary>
public enum RopeLayout
{
    /// <summary>Pair i is dimensions (2i, 2i + 1): the RoFormer paper, GPT-J and Meta's original Llama code.</summary>
    Interleaved,

    /// <summary>Pair i is dimensions (i, i + d/2) (<c>rotate_half</c>): GPT-NeoX and Hugging Face Llama.</summary>
    RotateHalf,
}

/// <summary>
/// Rotary position embeddings (Su et al. 2021). Each head vector of size d is cut into d/2 pairs; pair i of the
/// token at position m is rotated by the angle m·θ_i, with θ_i = base^(−2i/d):
/// <code>
/// (a, b) → (a cos mθ_i − b sin mθ_i,  a sin mθ_i + b cos mθ_i)
/// </code>
/// Applied to queries and keys (not values) after projection, it makes the score ⟨R_m q, R_n k⟩ depend on the
/// positions only through m − n. Which dimensions form a pair is the <see cref="RopeLayout"/>; a checkpoint's
/// Q/K weights only work with the layout they were trained with, unless permuted by
/// <see cref="InterleavedToRotateHalf"/>.
/// </summary>
public static class Rope
{
    /// <summary>The rotation speeds θ_i = base^(−2i/d), i = 0 .. d/2 − 1: θ_0 = 1 (fastest), falling geometrically.</summary>
    /// <param name="headDim">d, even.</param>
    /// <param name="theta">The base (10000 in the paper and Llama 2; 500000 in Llama 3).</param>
    /// <returns>float[d/2].</returns>
    public static float[] Frequencies(int headDim, double theta = 10000)
    {
        CheckParameters(headDim, theta);
        return Array.ConvertAll(FrequenciesExact(headDim, theta), f => (float)f);
    }

    /// <summary>
    /// Rotates every head vector of <paramref name="X"/> [B, H, N, d] for positions
    /// startPosition, startPosition + 1, …, startPosition + N − 1 (e.g. <see cref="KvCache.Length"/> or
    /// <see cref="SlidingWindowKvCache.Position"/> for decode).
    /// </summary>
    /// <param name="X">Queries or keys [batch, heads, tokens, headDim], headDim even.</param>
    /// <param name="startPosition">The absolute position of token 0 of <paramref name="X"/>, ≥ 0.</param>
    /// <param name="layout">Which dimensions are paired.</param>
    /// <param name="theta">The base of the frequencies.</param>
    /// <returns>A new tensor of the same shape.</returns>
    public static Tensor Apply(Tensor X, int startPosition, RopeLayout layout, double theta = 10000)
    {
        Shapes.Require(X, nameof(X), "[batch, heads, tokens, headDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        ArgumentOutOfRangeException.ThrowIfNegative(startPosition);
        var positions = new int[X.Dim(2)];
        for (int n = 0; n < positions.Length; n++)
        {
            positions[n] = checked(startPosition + n);
        }

        return Apply(X, positions, layout, theta);
    }

    /// <summary>Rotates token n of <paramref name="X"/> [B, H, N, d] as if it sat at <c>positions[n]</c> (e.g. with left padding).</summary>
    /// <param name="X">Queries or keys [batch, heads, tokens, headDim], headDim even.</param>
    /// <param name="positions">int[N], each ≥ 0.</param>
    /// <param name="layout">Which dimensions are paired.</param>
    /// <param name="theta">The base of the frequencies.</param>
    /// <returns>A new tensor of the same shape.</returns>
    public static Tensor Apply(Tensor X, int[] positions, RopeLayout layout, double theta = 10000)
    {
        Shapes.Require(X, nameof(X), "[batch, heads, tokens, headDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        ArgumentNullException.ThrowIfNull(positions);
        int B = X.Dim(0), H = X.Dim(1), N = X.Dim(2), d = X.Dim(3);
        if (d % 2 != 0 || d == 0)
        {
            throw new ArgumentException(
                $"X must have shape [batch, heads, tokens, headDim] with headDim even and positive (RoPE rotates pairs); got {X.ShapeText}.",
                nameof(X));
        }

        if (positions.Length != N)
        {
            throw new ArgumentException($"positions must have one entry per token, length {N} for X {X.ShapeText}; got {positions.Length}.", nameof(positions));
        }

        int negative = Array.FindIndex(positions, p => p < 0);
        if (negative >= 0)
        {
            throw new ArgumentException($"positions[{negative}] = {positions[negative]}; positions must be ≥ 0.", nameof(positions));
        }

        if (layout is not (RopeLayout.Interleaved or RopeLayout.RotateHalf))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "layout must be Interleaved or RotateHalf.");
        }

        CheckParameters(d, theta);
        return Rotate(X, positions, layout, FrequenciesExact(d, theta));
    }

    /// <summary>
    /// Rotates token n of <paramref name="X"/> [B, H, N, d] as if it sat at <c>positions[n]</c>, pair i by the angle
    /// positions[n] · <c>frequencies[i]</c>: RoPE with frequencies of one's own, such as the rescaled ones of
    /// <see cref="RopeScaling"/> for reading past the trained context.
    /// </summary>
    /// <param name="X">Queries or keys [batch, heads, tokens, headDim], headDim even.</param>
    /// <param name="positions">int[N], each ≥ 0.</param>
    /// <param name="layout">Which dimensions are paired.</param>
    /// <param name="frequencies">double[d/2], finite: the angle per position of each pair.</param>
    public static Tensor Apply(Tensor X, int[] positions, RopeLayout layout, double[] frequencies)
    {
        Shapes.Require(X, nameof(X), "[batch, heads, tokens, headDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(frequencies);
        int d = X.Dim(3);
        if (d % 2 != 0 || d == 0 || frequencies.Length != d / 2 || !frequencies.All(double.IsFinite))
        {
            throw new ArgumentException(
                $"frequencies must hold d/2 finite values for X {X.ShapeText} (d even); got {frequencies.Length} values.", nameof(frequencies));
        }

        if (positions.Length != X.Dim(2) || positions.Any(p => p < 0))
        {
            throw new ArgumentException($"positions must hold one entry ≥ 0 per token of X {X.ShapeText}; got {positions.Length} entries.", nameof(positions));
        }

        if (layout is not (RopeLayout.Interleaved or RopeLayout.RotateHalf))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "layout must be Interleaved or RotateHalf.");
        }

        return Rotate(X, positions, layout, frequencies);
    }

    private static Tensor Rotate(Tensor X, int[] positions, RopeLayout layout, double[] frequencies)
    {
        var rotated = X.Clone();
        RotateInPlace(rotated.Data, X.Dim(0), X.Dim(1), X.Dim(2), X.Dim(3), positions, layout, frequencies);
        return rotated;
    }

    /// <summary>
    /// The rotation of <see cref="Apply(Tensor, int[], RopeLayout, double[])"/> on the first B·H·N·d floats of
    /// <paramref name="X"/> [B, H, N, d], in place (a buffer nobody else reads yet); arguments checked by the caller.
    /// </summary>
    internal static void RotateInPlace(Span<float> X, int B, int H, int N, int d, int[] positions, RopeLayout layout, double[] frequencies)
    {
        int half = d / 2;
        var cos = new float[half];
        var sin = new float[half];
        for (int n = 0; n < N; n++)
        {
            // The angle in float64: m·θ_i for m in the thousands loses too many digits in float32.
            for (int i = 0; i < half; i++)
            {
                double angle = positions[n] * frequencies[i];
                (cos[i], sin[i]) = ((float)Math.Cos(angle), (float)Math.Sin(angle));
            }

            for (int b = 0; b < B; b++)
            {
                for (int h = 0; h < H; h++)
                {
                    Span<float> x = X.Slice(((((b * H) + h) * N) + n) * d, d);
                    for (int i = 0; i < half; i++)
                    {
                        var (ia, ib) = Pair(i, d, layout);
                        float a = x[ia], c = x[ib];
                        x[ia] = (a * cos[i]) - (c * sin[i]);
                        x[ib] = (a * sin[i]) + (c * cos[i]);
                    }
                }
            }
        }
    }

    /// <summary>The two dimensions of pair <paramref name="i"/> (0 ≤ i &lt; d/2) in a layout: (2i, 2i + 1) or (i, i + d/2).</summary>
    public static (int A, int B) Pair(int i, int headDim, RopeLayout layout)
    {
        CheckParameters(headDim, 10000);
        if ((uint)i >= (uint)(headDim / 2))
        {
            throw new ArgumentOutOfRangeException(nameof(i), i, $"i must be in 0..{(headDim / 2) - 1} for headDim {headDim}.");
        }

        return layout == RopeLayout.Interleaved ? (2 * i, (2 * i) + 1) : (i, i + (headDim / 2));
    }

    /// <summary>
    /// The permutation of dimensions that turns the interleaved pairing into the rotate-half one: dimension k of an
    /// interleaved head vector moves to dimension <c>perm[k]</c>, i.e. perm[2i] = i and perm[2i + 1] = i + d/2.
    /// Permuting the output columns of W_Q and W_K of each head this way lets interleaved-trained weights run with
    /// <see cref="RopeLayout.RotateHalf"/> (the conversion Hugging Face applies to Meta's Llama checkpoints).
    /// </summary>
    /// <param name="headDim">d, even.</param>
    /// <returns>int[d].</returns>
    public static int[] InterleavedToRotateHalf(int headDim)
    {
        CheckParameters(headDim, 10000);
        var perm = new int[headDim];
        for (int i = 0; i < headDim / 2; i++)
        {
            perm[2 * i] = i;
            perm[(2 * i) + 1] = i + (headDim / 2);
        }

        return perm;
    }

    internal static double[] FrequenciesExact(int d, double theta)
    {
        var f = new double[d / 2];
        for (int i = 0; i < f.Length; i++)
        {
            f[i] = Math.Pow(theta, -2.0 * i / d);
        }

        return f;
    }

    internal static void CheckParameters(int headDim, double theta)
    {
        if (headDim <= 0 || headDim % 2 != 0)
        {
            throw new ArgumentException($"headDim must be even and positive (RoPE rotates pairs of dimensions); got {headDim}.", nameof(headDim));
        }

        if (!double.IsFinite(theta) || theta <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(theta), theta, "theta (the frequency base) must be finite and greater than 1.");
        }
    }
}
