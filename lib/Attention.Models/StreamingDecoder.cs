namespace Attention.Models;

/// <summary>
/// The decoder run over a stream one token at a time against a <see cref="StreamingKvCache"/> per layer (section 7.2):
/// S sink tokens plus a rolling window of W, positions applied by cache place (RoPE rotates the query at place
/// Length − 1 and each held key at its place; ALiBi penalises the distance between places). With S + W ≥ the stream's
/// length nothing is evicted and the logits equal <see cref="AttentionOnlyDecoder.Logits(int[][], HeadOutputEdit)"/>.
/// </summary>
public static class StreamingDecoder
{
    /// <summary>Next-token logits [B, N, V] of each token of <paramref name="tokens"/>, fed one token at a time.</summary>
    /// <param name="model">A RoPE or ALiBi decoder (learned positions are added to the residual stream before any cache,
    /// so a token's position cannot change after it is embedded).</param>
    /// <param name="tokens">B sequences of the same length N.</param>
    /// <param name="sinks">S ≥ 0, the first tokens kept.</param>
    /// <param name="window">W ≥ 1, the most recent tokens kept, the newest included.</param>
    public static Tensor Logits(AttentionOnlyDecoder model, int[][] tokens, int sinks, int window)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (B, N) = model.RequireTokens(tokens, nameof(tokens));
        if (model.Config.Positions == PositionEncoding.Learned)
        {
            throw new ArgumentException(
                "a streaming cache needs positions applied inside attention (RoPE or ALiBi); this model adds learned positions to its input, which a cache cannot renumber.",
                nameof(model));
        }

        var c = model.Config;
        var caches = Enumerable.Range(0, c.Layers).Select(_ => new StreamingKvCache(B, c.Heads, c.HeadDim, c.HeadDim, sinks, window)).ToArray();
        var logits = new Tensor(B, N, c.Vocab);
        int[][] noPosition = [.. Enumerable.Range(0, B).Select(_ => new int[1])];
        for (int n = 0; n < N; n++)
        {
            int[][] column = [.. tokens.Select(s => new[] { s[n] })];
            Tensor x = model.Embed(column, noPosition);
            for (int l = 0; l < c.Layers; l++)
            {
                x += model.Layer(l, x, positions: null, (layer, Q, K, V) => Attend(model, caches[layer], Q, K, V), edit: null).Output;
            }

            Tensor row = Linear.Forward(x, model.Weights.WU);
            for (int b = 0; b < B; b++)
            {
                row.Row(b, 0).CopyTo(logits.Row(b, n));
            }
        }

        return logits;
    }

    /// <summary>
    /// How much each head leans on the stream's first token: the mean attention weight on key 0 over queries at positions
    /// ≥ <paramref name="fromPosition"/> and over the batch, [layers, heads]. A head with no preference gives about
    /// 1 / (position + 1); an attention sink gives far more.
    /// </summary>
    public static double[,] FirstTokenWeight(AttentionOnlyDecoder model, int[][] tokens, int fromPosition)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (B, N) = model.RequireTokens(tokens, nameof(tokens));
        if (fromPosition < 0 || fromPosition >= N)
        {
            throw new ArgumentOutOfRangeException(nameof(fromPosition), fromPosition, $"must be a query position 0 .. {N - 1}.");
        }

        DecoderTrace trace = model.Trace(tokens);
        var weight = new double[model.Config.Layers, model.Config.Heads];
        for (int l = 0; l < model.Config.Layers; l++)
        {
            for (int h = 0; h < model.Config.Heads; h++)
            {
                double sum = 0;
                for (int b = 0; b < B; b++)
                {
                    for (int i = fromPosition; i < N; i++)
                    {
                        sum += trace.Layers[l].Weights[b, h, i, 0];
                    }
                }

                weight[l, h] = sum / (B * (N - fromPosition));
            }
        }

        return weight;
    }

    private static AttentionResult Attend(AttentionOnlyDecoder model, StreamingKvCache cache, Tensor Q, Tensor K, Tensor V)
    {
        cache.Append(K, V);
        int L = cache.Length;
        Tensor keys = cache.Keys;
        if (model.Config.Positions == PositionEncoding.Rope)
        {
            Q = model.Rotate(Q, [L - 1]);
            keys = model.Rotate(keys, [.. Enumerable.Range(0, L)]);
        }

        // The query is the newest token, so it sees every held key; the ALiBi bias (if any) counts places, not text positions.
        return ScaledDotProductAttention.ForwardWithWeights(Q, keys, cache.Values, bias: model.PositionBias(1, L));
    }
}
