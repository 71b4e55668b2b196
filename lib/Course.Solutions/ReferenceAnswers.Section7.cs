namespace Course.Solutions;

/// <summary>The reference answers of section 7 (attention in 2026 models).</summary>
public static partial class ReferenceAnswers
{
    private static readonly Dictionary<string, string> Section7 = new()
    {
        ["7.1a"] =
            """
            long[] LatentDecodeMultiplyAdds(int heads, int headDim, int latentDim, int ropeDim, int cachedTokens)
            {
                if (heads < 1 || headDim < 1 || latentDim < 1 || ropeDim < 0 || cachedTokens < 1)
                {
                    throw new ArgumentException("heads, headDim, latentDim and cachedTokens must be positive and ropeDim non-negative.");
                }

                long h = heads, dh = headDim, dc = latentDim, dR = ropeDim, n = cachedTokens;

                // Explicit: every cached latent up to K and V for every head, then scores over d_h + d_R and a sum over d_h.
                long rebuild = 2 * n * dc * h * dh;
                long explicitForm = rebuild + (h * n * (dh + dR)) + (h * n * dh);

                // Absorbed: per head, the query into latent space and the result out of it once; per token, scores over
                // d_c + d_R and a sum over d_c.
                long absorbedForm = (2 * h * dh * dc) + (h * n * (dc + dR)) + (h * n * dc);
                return [explicitForm, absorbedForm];
            }
            """,
        ["7.1b"] =
            """
            Tensor RotatedKeyProjection(Tensor WUk, int delta)
            {
                if (WUk.Rank != 2 || WUk.Dim(1) == 0 || WUk.Dim(1) % 2 != 0)
                {
                    throw new ArgumentException($"WUk must be [d_c, d_h] with d_h even and positive; got {WUk.ShapeText}.");
                }

                // RoPE(q, m)·RoPE(k, n) = q·R(n − m) k, and R(Δ)(c W) = c (W with each row rotated by Δ): rotate the rows.
                int dc = WUk.Dim(0), dh = WUk.Dim(1), half = dh / 2;
                var A = WUk.Clone();
                for (int i = 0; i < half; i++)
                {
                    double angle = delta * Math.Pow(10000, -2.0 * i / dh);
                    float cos = (float)Math.Cos(angle), sin = (float)Math.Sin(angle);
                    for (int r = 0; r < dc; r++)
                    {
                        float a = WUk[r, i], b = WUk[r, i + half];
                        A[r, i] = (a * cos) - (b * sin);
                        A[r, i + half] = (a * sin) + (b * cos);
                    }
                }

                return A;
            }
            """,
    };
}
