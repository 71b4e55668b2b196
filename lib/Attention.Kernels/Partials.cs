using System.Numerics.Tensors;

namespace Attention.Kernels;

/// <summary>
/// Split-KV decoding's partial results: per job (work item × key range) the unnormalised output Σ_j e^{s_j − m} v_j, the
/// running max m and the sum ℓ = Σ_j e^{s_j − m} of each query row. Merged exactly by
/// O = Σ_k e^{m_k − m*} acc_k / Σ_k e^{m_k − m*} ℓ_k with m* = max_k m_k (a range with no visible key has m = −∞, weight 0).
/// </summary>
internal sealed class Partials(int jobs, int rows, int Ev)
{
    private readonly float[] acc = new float[(long)jobs * rows * Ev];
    private readonly float[] max = new float[jobs * rows];
    private readonly float[] sum = new float[jobs * rows];

    public void Store(int job, ReadOnlySpan<float> output, ReadOnlySpan<float> m, ReadOnlySpan<float> l, int count, int stride)
    {
        for (int r = 0; r < count; r++)
        {
            output.Slice(r * stride, Ev).CopyTo(acc.AsSpan(((job * rows) + r) * Ev, Ev));
            max[(job * rows) + r] = m[r];
            sum[(job * rows) + r] = l[r];
        }
    }

    // Decode has one query block per item (L < 8 ≤ Br rows), so item i's rows are O's rows i · L .. i · L + L − 1.
    public void Merge(Tensor O, int items, int L, int splits)
    {
        for (int item = 0; item < items; item++)
        {
            for (int r = 0; r < L; r++)
            {
                float mStar = float.NegativeInfinity;
                for (int k = 0; k < splits; k++)
                {
                    mStar = Math.Max(mStar, max[(((item * splits) + k) * rows) + r]);
                }

                Span<float> o = O.Data.AsSpan(((item * L) + r) * Ev, Ev);
                if (float.IsNegativeInfinity(mStar))
                {
                    continue;               // no visible key in any range: the row stays zero, as in the reference
                }

                float total = 0;
                for (int k = 0; k < splits; k++)
                {
                    int slot = (((item * splits) + k) * rows) + r;
                    float weight = float.IsNegativeInfinity(max[slot]) ? 0 : MathF.Exp(max[slot] - mStar);
                    total += weight * sum[slot];
                    TensorPrimitives.MultiplyAdd(acc.AsSpan(slot * Ev, Ev), weight, o, o);
                }

                TensorPrimitives.Divide(o, total, o);
            }
        }
    }
}
