namespace Attention.Kernels;

/// <summary>
/// Split-KV decoding's partial results, one per (work item, key range, query row): the range's normalised output and its
/// log-sum-exp, merged by the course's <see cref="SplitKvDecoding.Merge"/>, so the merge rule lives in one place. A range
/// with no visible key has log-sum-exp −∞ and weight 0.
/// </summary>
internal sealed class Partials(int items, int splits, int rows, int Ev)
{
    private readonly float[] outputs = new float[(long)items * rows * splits * Ev];
    private readonly double[] lse = new double[items * rows * splits];

    /// <summary>Keeps job (item · splits + split)'s rows: unnormalised outputs (row stride <paramref name="stride"/>), maxima and sums.</summary>
    public void Store(int job, ReadOnlySpan<float> output, ReadOnlySpan<float> m, ReadOnlySpan<float> l, int count, int stride)
    {
        int item = job / splits, split = job % splits;
        for (int r = 0; r < count; r++)
        {
            int slot = (((item * rows) + r) * splits) + split;
            Span<float> o = outputs.AsSpan(slot * Ev, Ev);
            if (l[r] > 0)
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(output.Slice(r * stride, Ev), l[r], o);
                lse[slot] = m[r] + Math.Log(l[r]);
            }
            else
            {
                o.Clear();
                lse[slot] = double.NegativeInfinity;
            }
        }
    }

    // Decode has one query block per item (L < 8 ≤ Br rows), so item i's rows are O's rows i · L .. i · L + L − 1.
    public void Merge(Tensor O, int L)
    {
        for (int item = 0; item < items; item++)
        {
            for (int r = 0; r < L; r++)
            {
                int first = ((item * rows) + r) * splits;
                SplitKvDecoding.Merge(outputs.AsSpan(first * Ev, splits * Ev), lse.AsSpan(first, splits), O.Data.AsSpan(((item * L) + r) * Ev, Ev));
            }
        }
    }
}
