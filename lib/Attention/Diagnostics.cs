namespace Attention;

/// <summary>How <see cref="Diagnostics.Ablate"/> removes a head's contribution.</summary>
public enum AblationMode
{
    /// <summary>The head's outputs are set to 0.</summary>
    Zero,

    /// <summary>The head's outputs are replaced by their mean over batch and positions (keeps the average signal, removes the information).</summary>
    Mean,
}

/// <summary>
/// Long-context diagnostics read off attention weights [..., L, S] (rows = queries, summing to 1 over visible keys,
/// or all 0 for a row with no visible key) and tools to measure a head's effect by ablation. Query i sits at
/// position p = i + S − L (bottom-right, as in decode against a cache). Weights show where a head looks, not
/// why it matters (Jain &amp; Wallace 2019): <see cref="Ablate"/> with <see cref="RelativeChange"/> measures effect.
/// </summary>
public static class Diagnostics
{
    private const double RowSumTolerance = 1e-3;

    /// <summary>
    /// Entropy of each row in nats, H_i = −Σ_j w_ij log w_ij over keys with w_ij &gt; 0; 0 ≤ H_i ≤ log(#visible keys),
    /// 0 for a one-hot row (or a row with no visible key), log n for a uniform row over n keys.
    /// </summary>
    /// <param name="weights">Attention weights [..., queries, keys].</param>
    /// <returns>Entropies [..., queries].</returns>
    public static Tensor Entropy(Tensor weights) =>
        PerRow(weights, nameof(weights), [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] (w, _) =>
        {
            double h = 0;
            foreach (float x in w)
            {
                h -= x > 0 ? x * Math.Log(x) : 0;
            }

            return h;
        });

    /// <summary>
    /// Weighted mean attention distance of each row, Σ_j w_ij |p_i − j| with p_i = i + S − L: 1 for a head that
    /// always looks at the previous token, 0 for one that looks at itself. 0 for a row with no visible key.
    /// </summary>
    /// <param name="weights">Attention weights [..., queries, keys].</param>
    /// <returns>Distances [..., queries].</returns>
    public static Tensor AttentionDistance(Tensor weights) =>
        PerRow(weights, nameof(weights), [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] (w, p) =>
        {
            double d = 0;
            for (int j = 0; j < w.Length; j++)
            {
                d += w[j] * (double)Math.Abs(p - j);
            }

            return d;
        });

    /// <summary>
    /// Mean attention distance per head: the mean of <see cref="AttentionDistance"/> over batch and over the rows
    /// that have a visible key.
    /// </summary>
    /// <param name="weights">Attention weights [batch, heads, queries, keys].</param>
    /// <returns>Distances [heads].</returns>
    public static Tensor AttentionDistancePerHead(Tensor weights)
    {
        Shapes.Require(weights, nameof(weights), "[batch, heads, queries, keys]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        Tensor distance = AttentionDistance(weights);
        int B = weights.Dim(0), H = weights.Dim(1), L = weights.Dim(2);
        var perHead = new Tensor(H);
        for (int h = 0; h < H; h++)
        {
            double sum = 0;
            int rows = 0;
            for (int b = 0; b < B; b++)
            {
                for (int i = 0; i < L; i++)
                {
                    if (weights.Row(b, h, i).IndexOfAnyExcept(0f) >= 0)
                    {
                        sum += distance[b, h, i];
                        rows++;
                    }
                }
            }

            perHead[h] = rows == 0 ? 0f : (float)(sum / rows);
        }

        return perHead;
    }

    /// <summary>
    /// Attention-sink mass of each row: the weight on the first <paramref name="sinkTokens"/> keys, Σ_{j &lt; k} w_ij.
    /// Trained LLMs park much of their attention there (StreamingLLM keeps these keys for that reason).
    /// </summary>
    /// <param name="weights">Attention weights [..., queries, keys].</param>
    /// <param name="sinkTokens">k, the number of leading keys counted as sinks, 1..keys.</param>
    /// <returns>Masses [..., queries].</returns>
    public static Tensor SinkMass(Tensor weights, int sinkTokens)
    {
        RequireWeights(weights, nameof(weights));
        if (sinkTokens < 1 || sinkTokens > weights.Dim(-1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(sinkTokens), sinkTokens, $"sinkTokens must be in 1..{weights.Dim(-1)} (the keys of weights {weights.ShapeText}).");
        }

        return PerRow(weights, nameof(weights), (w, _) => System.Numerics.Tensors.TensorPrimitives.Sum(w[..sinkTokens]));
    }

    /// <summary>
    /// Previous-token score: the mean over query rows at positions p ≥ 1 of the weight on key p − 1 (for L = S:
    /// the mean over rows i ≥ 1 of weights[i, i − 1]), averaged over any leading axes. 1 for a perfect previous-token head.
    /// </summary>
    /// <param name="weights">Attention weights [queries, keys] or [..., queries, keys].</param>
    /// <exception cref="ArgumentException">No query row has a previous token (keys = 1), or the weights are not weights.</exception>
    // Optimised at first call: a notebook's first calls would otherwise run this loop unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double PreviousTokenScore(Tensor weights)
    {
        var (_, L, S) = RequireWeights(weights, nameof(weights));
        if (S < 2)
        {
            throw new ArgumentException($"weights {weights.ShapeText} has one key, so no query has a previous token.", nameof(weights));
        }

        int offset = S - L;
        double sum = 0;
        int count = 0;
        for (int start = 0; start < weights.Length; start += L * S)
        {
            for (int i = Math.Max(0, 1 - offset); i < L; i++)
            {
                sum += weights.Data[start + (i * S) + i + offset - 1];
                count++;
            }
        }

        return sum / count;
    }

    /// <summary>
    /// Induction score (Olsson et al. 2022): for each query i whose token appeared before at some k &lt; i, the weight on
    /// the tokens that followed those earlier occurrences (keys k + 1); averaged over such rows and any leading axes.
    /// 1 for a perfect induction head on a repeated sequence.
    /// </summary>
    /// <param name="weights">Self-attention weights [..., N, N].</param>
    /// <param name="tokens">The N token ids of the sequence.</param>
    /// <exception cref="ArgumentException">Shapes disagree, or no token repeats.</exception>
    // Optimised at first call: a notebook's first calls would otherwise run this loop unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double InductionScore(Tensor weights, IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var (_, L, S) = RequireWeights(weights, nameof(weights));
        if (L != S || S != tokens.Count)
        {
            throw new ArgumentException(
                $"weights must have shape [..., N, N] with N = tokens.Count = {tokens.Count}; got {weights.ShapeText}.", nameof(weights));
        }

        double sum = 0;
        int count = 0;
        for (int start = 0; start < weights.Length; start += L * S)
        {
            for (int i = 1; i < L; i++)
            {
                double mass = 0;
                bool repeated = false;
                for (int k = 0; k < i; k++)
                {
                    if (tokens[k] == tokens[i])
                    {
                        repeated = true;
                        mass += weights.Data[start + (i * S) + k + 1];
                    }
                }

                if (repeated)
                {
                    sum += mass;
                    count++;
                }
            }
        }

        return count == 0
            ? throw new ArgumentException("no token of tokens repeats, so the induction score is undefined.", nameof(tokens))
            : sum / count;
    }

    /// <summary>
    /// A copy of <paramref name="headOutputs"/> [B, H, N, d_v] with head <paramref name="head"/> ablated: set to 0
    /// (<see cref="AblationMode.Zero"/>) or to its mean over batch and positions (<see cref="AblationMode.Mean"/>).
    /// Other heads are untouched. Feed the result to the output projection and compare with <see cref="RelativeChange"/>.
    /// </summary>
    // Optimised at first call: a notebook's first calls would otherwise run this loop unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static Tensor Ablate(Tensor headOutputs, int head, AblationMode mode)
    {
        Shapes.Require(headOutputs, nameof(headOutputs), "[batch, heads, seq, valueDim]", Shapes.Any, Shapes.Any, Shapes.Any, Shapes.Any);
        Shapes.RequireNonEmpty(headOutputs, nameof(headOutputs), "[batch, heads, seq, valueDim]");
        int B = headOutputs.Dim(0), H = headOutputs.Dim(1), N = headOutputs.Dim(2), dv = headOutputs.Dim(3);
        if ((uint)head >= (uint)H)
        {
            throw new ArgumentOutOfRangeException(nameof(head), head, $"head must be in 0..{H - 1} for headOutputs {headOutputs.ShapeText}.");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be Zero or Mean.");
        }

        Tensor result = headOutputs.Clone();
        var replacement = new float[dv];
        if (mode == AblationMode.Mean)
        {
            var sum = new double[dv];
            for (int b = 0; b < B; b++)
            {
                for (int n = 0; n < N; n++)
                {
                    Span<float> row = headOutputs.Row(b, head, n);
                    for (int e = 0; e < dv; e++)
                    {
                        sum[e] += row[e];
                    }
                }
            }

            for (int e = 0; e < dv; e++)
            {
                replacement[e] = (float)(sum[e] / (B * N));
            }
        }

        for (int b = 0; b < B; b++)
        {
            for (int n = 0; n < N; n++)
            {
                replacement.CopyTo(result.Row(b, head, n));
            }
        }

        return result;
    }

    /// <summary>‖baseline − changed‖₂ / ‖baseline‖₂, in float64, for tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">Shapes differ, or the baseline is all zeros (no relative change is defined).</exception>
    // Optimised at first call: a notebook's first calls would otherwise run this loop unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double RelativeChange(Tensor baseline, Tensor changed)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(changed);
        if (!baseline.Shape.SequenceEqual(changed.Shape))
        {
            throw new ArgumentException($"changed must have baseline's shape {baseline.ShapeText}; got {changed.ShapeText}.", nameof(changed));
        }

        double diff = 0, norm = 0;
        for (int n = 0; n < baseline.Length; n++)
        {
            double a = baseline.Data[n], d = a - changed.Data[n];
            norm += a * a;
            diff += d * d;
        }

        return norm == 0
            ? throw new ArgumentException($"baseline {baseline.ShapeText} is all zeros; a relative change needs a non-zero baseline.", nameof(baseline))
            : Math.Sqrt(diff / norm);
    }

    // Optimised at first call: a notebook's first calls would otherwise run this loop unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static Tensor PerRow(Tensor weights, string argument, Func<ReadOnlySpan<float>, int, double> rowStatistic)
    {
        var (rows, L, S) = RequireWeights(weights, argument);
        var result = new Tensor(weights.Shape[..^1]);
        for (int r = 0; r < rows; r++)
        {
            int position = (r % L) + S - L;
            result.Data[r] = (float)rowStatistic(weights.Data.AsSpan(r * S, S), position);
        }

        return result;
    }

    // Optimised at first call: a notebook's first calls would otherwise run this loop unoptimised.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static (int Rows, int L, int S) RequireWeights(Tensor weights, string argument)
    {
        ArgumentNullException.ThrowIfNull(weights, argument);
        if (weights.Rank < 2)
        {
            throw new ArgumentException($"{argument} must have shape [..., queries, keys]; got {weights.ShapeText}.", argument);
        }

        Shapes.RequireNonEmpty(weights, argument, "[..., queries, keys]");
        int L = weights.Dim(-2), S = weights.Dim(-1), rows = weights.Length / S;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> w = weights.Data.AsSpan(r * S, S);
            double sum = 0;
            foreach (float x in w)
            {
                if (!(x >= 0) || !float.IsFinite(x))
                {
                    throw new ArgumentException($"{argument} {weights.ShapeText} has {x} in row {r}; weights must be finite and ≥ 0.", argument);
                }

                sum += x;
            }

            if (sum != 0 && Math.Abs(sum - 1) > RowSumTolerance)
            {
                throw new ArgumentException(
                    $"{argument} {weights.ShapeText} row {r} sums to {sum}; each row must sum to 1 (or be all 0 when no key is visible).",
                    argument);
            }
        }

        return (rows, L, S);
    }
}
