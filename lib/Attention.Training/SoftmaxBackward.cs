
namespace Attention.Training;

/// <summary>
/// The gradient of p = softmax(s) over one row, given dp = ∂loss/∂p:
/// <code>
/// ∂p_j/∂s_k = p_j (δ_jk − p_k)   ⇒   ds_k = p_k (dp_k − Σ_j p_j dp_j)
/// </code>
/// A masked key has p_k = 0, so it gets ds_k = 0: no gradient flows into a logit the mask hid.
/// </summary>
public static class SoftmaxBackward
{
    /// <summary>ds for one row of weights <paramref name="p"/> and upstream gradient <paramref name="dp"/>.</summary>
    public static void Row(ReadOnlySpan<float> p, ReadOnlySpan<float> dp, Span<float> ds)
    {
        if (dp.Length != p.Length || ds.Length != p.Length)
        {
            throw new ArgumentException($"p, dp and ds must have one length; got {p.Length}, {dp.Length}, {ds.Length}.", nameof(dp));
        }

        float expected = RowMath.Dot(p, dp);
        for (int k = 0; k < p.Length; k++)
        {
            ds[k] = p[k] * (dp[k] - expected);
        }
    }
}
