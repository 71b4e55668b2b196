namespace Attention.Models;

/// <summary>
/// Greedy generation with the decoder (the next token is the largest logit, the lowest id on a tie), two ways that must agree token for token (section 5.2):
/// <list type="bullet">
/// <item><see cref="Recomputed"/> runs the whole prefix through the model for every new token: O(t) projections and
/// O(t²) attention at step t.</item>
/// <item><see cref="Cached"/> runs the prompt once (prefill), keeps each layer's K and V in a <see cref="KvCache"/>,
/// and then feeds only the newest token (decode): O(1) projections and O(t) attention at step t.</item>
/// </list>
/// </summary>
public static class DecoderGeneration
{
    /// <summary>The prompt followed by <paramref name="steps"/> greedy tokens, recomputing the prefix every step.</summary>
    public static int[] Recomputed(AttentionOnlyDecoder model, int[] prompt, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        Require(model, prompt, steps);
        var tokens = new List<int>(prompt);
        for (int s = 0; s < steps; s++)
        {
            Tensor logits = model.Logits([tokens.ToArray()]);
            tokens.Add(System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(logits.Row(0, tokens.Count - 1)));
        }

        return tokens.ToArray();
    }

    /// <summary>The prompt followed by <paramref name="steps"/> greedy tokens: prefill once, then decode one token a step.</summary>
    public static int[] Cached(AttentionOnlyDecoder model, int[] prompt, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        Require(model, prompt, steps);
        var session = new CachedSession(model, prompt.Length + steps);
        var tokens = new List<int>(prompt);
        Tensor logits = session.Feed(prompt);
        for (int s = 0; s < steps; s++)
        {
            int next = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(logits.Row(0, logits.Dim(1) - 1));
            tokens.Add(next);
            if (s < steps - 1)
            {
                logits = session.Feed([next]);
            }
        }

        return tokens.ToArray();
    }

    private static void Require(AttentionOnlyDecoder model, int[] prompt, int steps)
    {
        model.RequireTokens([prompt], nameof(prompt));
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
    }
}

/// <summary>
/// One sequence decoded against per-layer KV caches. <see cref="Feed"/> takes the next T ≥ 1 tokens (the whole prompt
/// for prefill, one token for decode) and returns their logits [1, T, V]; keys are rotated by RoPE at their absolute
/// positions before they are cached (RoPE models), so a cached key never needs rotating again.
/// </summary>
public sealed class CachedSession
{
    private readonly AttentionOnlyDecoder model;
    private readonly KvCache[] caches;

    /// <summary>Empty caches for up to <paramref name="capacity"/> tokens.</summary>
    public CachedSession(AttentionOnlyDecoder model, int capacity)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        var c = model.Config;
        caches = Enumerable.Range(0, c.Layers).Select(_ => new KvCache(1, c.Heads, c.HeadDim, c.HeadDim, capacity)).ToArray();
    }

    /// <summary>The number of tokens cached so far: the position of the next token.</summary>
    public int Length => caches[0].Length;

    /// <summary>Bytes the caches hold at <paramref name="bytesPerValue"/> bytes a value (4 for float32).</summary>
    public long Bytes(int bytesPerValue) => caches.Sum(c => c.Bytes(bytesPerValue));

    /// <summary>Runs <paramref name="tokens"/> (positions Length .. Length + T − 1) through every layer; logits [1, T, V].</summary>
    /// <exception cref="InvalidOperationException">The caches would overflow their capacity.</exception>
    public Tensor Feed(int[] tokens)
    {
        int start = Length;
        Tensor x = model.Embed([tokens], start);
        for (int l = 0; l < caches.Length; l++)
        {
            KvCache cache = caches[l];
            var layer = model.Layer(
                l,
                x,
                start,
                (_, Q, K, V) =>
                {
                    Tensor? bias = model.PositionBias(Q.Dim(2), start + Q.Dim(2));
                    return new AttentionResult(
                        start == 0 ? CachedAttention.Prefill(cache, Q, K, V, bias) : CachedAttention.Decode(cache, Q, K, V, bias), null);
                },
                edit: null);
            x = x + layer.Output;
        }

        return Linear.Forward(x, model.Weights.WU);
    }
}
