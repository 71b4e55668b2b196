using Attention;
using CsCheck;

namespace Attention.Tests;

public class StreamingKvCacheTests
{
    [Fact]
    public void HoldsTheSinksAndTheLastWindowInTextOrderForAnyChunking()
    {
        Gen.Select(Gen.Int[0, 5], Gen.Int[1, 9], Gen.Int[1, 40], Gen.Int[1, 6]).Sample((S, W, N, chunk) =>
        {
            const int B = 2, H = 2, d = 3, dv = 2;
            var K = Tensor.Random((N * 31) + S, [B, H, N, d]);
            var V = Tensor.Random((N * 17) + W, [B, H, N, dv]);
            var cache = new StreamingKvCache(B, H, d, dv, S, W);
            for (int from = 0; from < N; from += chunk)
            {
                int n = Math.Min(chunk, N - from);
                cache.Append(DecoderCase.Tokens(K, from, n), DecoderCase.Tokens(V, from, n));
            }

            // The definition: text position p is held when it is one of the first S or one of the last W.
            int[] expected = [.. Enumerable.Range(0, N).Where(p => p < S || p >= N - W)];
            Assert.Equal(expected, cache.SourcePositions);
            Assert.Equal(expected.Length, cache.Length);
            Assert.Equal(N, cache.Seen);
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.Equal(0, Reference.MaxAbsDiff(DecoderCase.Tokens(cache.Keys, k, 1), DecoderCase.Tokens(K, expected[k], 1)));
                Assert.Equal(0, Reference.MaxAbsDiff(DecoderCase.Tokens(cache.Values, k, 1), DecoderCase.Tokens(V, expected[k], 1)));
            }
        });
    }

    [Fact]
    public void RefusesShapesItCannotHoldAndNamesThem()
    {
        var cache = new StreamingKvCache(1, 2, 4, 4, sinks: 2, window: 3);
        var e = Assert.Throws<ArgumentException>(() => cache.Append(new Tensor(1, 1, 1, 4), new Tensor(1, 2, 1, 4)));
        Assert.Contains("[1, 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingKvCache(1, 1, 1, 1, sinks: -1, window: 3));
        Assert.ThrowsAny<ArgumentException>(() => new StreamingKvCache(1, 1, 1, 1, sinks: 1, window: 0));
    }
}
