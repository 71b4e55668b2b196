namespace Attention.Models;

/// <summary>
/// Greedy generation for several prompts of different lengths at once, as a server batches requests: the prompts are
/// left-padded to the longest, so every sequence's newest token sits in the same last slot. Two things keep the padding
/// invisible, and the result equal to each prompt generated alone (<see cref="DecoderGeneration.Cached"/>):
/// <list type="bullet">
/// <item>positions count real tokens only: sequence b's first real token is at position 0, whatever its padding;</item>
/// <item>a padding mask hides the pad slots as keys, in prefill (with the causal mask) and in every decode step.</item>
/// </list>
/// One <see cref="KvCache"/> per layer holds the whole batch, [B, h, slots, d_head].
/// </summary>
public static class BatchedGeneration
{
    /// <summary>The id written into pad slots; any id works, since no query ever sees those keys.</summary>
    public const int PadToken = 0;

    /// <summary>Each prompt followed by <paramref name="steps"/> greedy tokens, decoded as one batch.</summary>
    /// <param name="model">The decoder.</param>
    /// <param name="prompts">B prompts, each of length ≥ 1 (lengths may differ).</param>
    /// <param name="steps">Tokens to generate per prompt, ≥ 0.</param>
    public static int[][] Generate(AttentionOnlyDecoder model, int[][] prompts, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (prompts.Length == 0 || prompts.Any(p => p is null || p.Length == 0))
        {
            throw new ArgumentException("prompts must hold at least one prompt, each of at least one token.", nameof(prompts));
        }

        int B = prompts.Length, P = prompts.Max(p => p.Length);
        int[] pad = [.. prompts.Select(p => P - p.Length)];
        int[][] padded = [.. prompts.Select((p, b) => Enumerable.Repeat(PadToken, pad[b]).Concat(p).ToArray())];
        int[][] positions = [.. pad.Select(k => Enumerable.Range(0, P).Select(n => Math.Max(0, n - k)).ToArray())];
        var c = model.Config;
        KvCache[] caches = [.. Enumerable.Range(0, c.Layers).Select(_ => new KvCache(B, c.Heads, c.HeadDim, c.HeadDim, P + steps))];

        // Prefill: query slot i sees key slot j when j ≤ i and j holds a real token.
        var prefillMask = PaddingMask(pad, P, P, (i, j) => j <= i);
        Tensor logits = Run(model, caches, padded, positions, prefillMask);
        var outputs = prompts.Select(p => new List<int>(p)).ToArray();
        for (int s = 0; s < steps; s++)
        {
            int[][] next = [.. Enumerable.Range(0, B).Select(b => new[] { System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(logits.Row(b, logits.Dim(1) - 1)) })];
            for (int b = 0; b < B; b++)
            {
                outputs[b].Add(next[b][0]);
            }

            if (s < steps - 1)
            {
                int slots = P + s + 1;
                int[][] at = [.. Enumerable.Range(0, B).Select(b => new[] { prompts[b].Length + s })];
                logits = Run(model, caches, next, at, PaddingMask(pad, 1, slots, (_, _) => true));
            }
        }

        return [.. outputs.Select(o => o.ToArray())];
    }

    /// <summary>
    /// The mask [B, 1, queries, keys] of a left-padded batch: key slot j of sequence b is visible when it holds a real
    /// token (j ≥ pad[b]) and <paramref name="alsoAllowed"/>(i, j).
    /// </summary>
    public static Mask PaddingMask(int[] pad, int queries, int keys, Func<int, int, bool> alsoAllowed)
    {
        ArgumentNullException.ThrowIfNull(pad);
        ArgumentNullException.ThrowIfNull(alsoAllowed);
        var allowed = new bool[pad.Length * queries * keys];
        for (int b = 0; b < pad.Length; b++)
        {
            for (int i = 0; i < queries; i++)
            {
                for (int j = 0; j < keys; j++)
                {
                    allowed[(((b * queries) + i) * keys) + j] = j >= pad[b] && alsoAllowed(i, j);
                }
            }
        }

        return new Mask(allowed, pad.Length, 1, queries, keys);
    }

    // The new tokens through every layer, appending their keys and values to the caches first; logits [B, T, V].
    private static Tensor Run(AttentionOnlyDecoder model, KvCache[] caches, int[][] tokens, int[][] positions, Mask mask)
    {
        Tensor x = model.Embed(tokens, positions);
        for (int l = 0; l < caches.Length; l++)
        {
            KvCache cache = caches[l];
            var layer = model.Layer(
                l,
                x,
                positions,
                (_, Q, K, V) =>
                {
                    cache.Append(K, V);

                    // ALiBi's distances in slots are distances in tokens: padding sits only before a sequence's first token.
                    Tensor? bias = model.PositionBias(Q.Dim(2), cache.Length);
                    return new AttentionResult(ScaledDotProductAttention.Forward(Q, cache.Keys, cache.Values, mask: mask, bias: bias), null);
                },
                edit: null);
            x = x + layer.Output;
        }

        return Linear.Forward(x, model.Weights.WU);
    }
}
