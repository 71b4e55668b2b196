using Attention;
using CsCheck;

namespace Attention.Tests;

public class SlidingWindowKvCacheTests
{
    [Fact]
    public void RollingCacheEqualsFullSlidingWindowForwardForEverySplitAndWindow()
    {
        Gen.Select(DecoderCase.Cases, Gen.Int[1, 12]).Sample((c, W) =>
        {
            Tensor Q = c.Q, K = c.K, V = c.V;
            Tensor full = ScaledDotProductAttention.Forward(Q, K, V, mask: Mask.SlidingWindow(c.N, c.N, W));

            // The definition, in float64: the query at position i sees keys i − W + 1 .. i (W keys including itself).
            var expected = Reference.Attention(Q, K, V, visible: (_, _, i, j) => j <= i && j >= i - W + 1);
            Assert.True(Reference.MaxAbsDiff(full, expected) < 1e-5);

            foreach (var (P, step) in c.Splits())
            {
                var cache = new SlidingWindowKvCache(c.B, c.KvHeads, c.D, c.Dv, W);
                Tensor O = c.Run(
                    P,
                    step,
                    (from, n) => CachedAttention.Prefill(
                        cache, DecoderCase.Tokens(Q, from, n), DecoderCase.Tokens(K, from, n), DecoderCase.Tokens(V, from, n)),
                    (from, n) =>
                    {
                        Assert.Equal(from, cache.Position);
                        return CachedAttention.Decode(
                            cache, DecoderCase.Tokens(Q, from, n), DecoderCase.Tokens(K, from, n), DecoderCase.Tokens(V, from, n));
                    });

                double diff = Reference.MaxAbsDiff(O, full);
                Assert.True(diff < 1e-5, $"window {W}, prompt {P}, step {step}: max |rolling − full| = {diff}");
                int held = Math.Min(c.N, W);
                Assert.Equal(c.N, cache.Position);
                Assert.Equal(held, cache.Length);
                Assert.Equal(0, Reference.MaxAbsDiff(cache.Keys, DecoderCase.Tokens(K, c.N - held, held)));
                Assert.Equal(0, Reference.MaxAbsDiff(cache.Values, DecoderCase.Tokens(V, c.N - held, held)));
            }
        }, iter: 40);
    }

    [Fact]
    public void AChunkLongerThanTheWindowIsStillExact()
    {
        // Window 2, prompt 3, then one chunk of 5: the chunk overwrites every slot more than once while its own
        // early queries still need the keys it overwrites.
        var c = new DecoderCase(B: 1, KvHeads: 1, Group: 2, D: 4, Dv: 3, N: 8, Chunk: 5, Seed: 7);
        var cache = new SlidingWindowKvCache(1, 1, 4, 3, window: 2);
        Tensor O = c.Run(
            3,
            5,
            (from, n) => CachedAttention.Prefill(cache, DecoderCase.Tokens(c.Q, from, n), DecoderCase.Tokens(c.K, from, n), DecoderCase.Tokens(c.V, from, n)),
            (from, n) => CachedAttention.Decode(cache, DecoderCase.Tokens(c.Q, from, n), DecoderCase.Tokens(c.K, from, n), DecoderCase.Tokens(c.V, from, n)));
        var expected = Reference.Attention(c.Q, c.K, c.V, visible: (_, _, i, j) => j <= i && j > i - 2);
        Assert.True(Reference.MaxAbsDiff(O, expected) < 1e-5);
    }

    [Fact]
    public void PositionPIsStoredInSlotPModW()
    {
        var cache = new SlidingWindowKvCache(1, 1, 1, 1, window: 3);
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Enumerable.Range(0, 7).Select(cache.SlotOf));

        // Key p = p, one token at a time: the buffer always holds the last min(p, 3) positions, oldest first.
        for (int p = 0; p < 10; p++)
        {
            cache.Append(new Tensor([p], 1, 1, 1, 1), new Tensor([-p], 1, 1, 1, 1));
            int held = Math.Min(p + 1, 3);
            Assert.Equal(held, cache.Length);
            Assert.Equal(Enumerable.Range(p + 1 - held, held).Select(x => (float)x), cache.Keys.Data);
            Assert.Equal(Enumerable.Range(p + 1 - held, held).Select(x => (float)-x), cache.Values.Data);
        }

        // A chunk of 5 > W keeps only its own last three.
        cache.Append(new Tensor([10, 11, 12, 13, 14], 1, 1, 5, 1), new Tensor(1, 1, 5, 1));
        Assert.Equal(15, cache.Position);
        Assert.Equal([12f, 13f, 14f], cache.Keys.Data);
    }

    [Fact]
    public void MemoryIsBoundedByTheWindow()
    {
        var cache = new SlidingWindowKvCache(2, 8, 16, 16, window: 4);
        for (int t = 0; t < 50; t++)
        {
            cache.Append(new Tensor(2, 8, 1, 16), new Tensor(2, 8, 1, 16));
            Assert.Equal(2L * 8 * Math.Min(t + 1, 4) * (16 + 16) * 2, cache.Bytes(2));
        }
    }

    [Fact]
    public void BadInputNamesArgumentExpectedAndActual()
    {
        var cache = new SlidingWindowKvCache(1, 2, 4, 4, window: 3);
        var ex = Assert.Throws<ArgumentException>(() => cache.Append(new Tensor(1, 2, 1, 5), new Tensor(1, 2, 1, 4)));
        Assert.Equal("Knew", ex.ParamName);
        Assert.Contains("[1, 2, *, 4]", ex.Message);
        Assert.Contains("[1, 2, 1, 5]", ex.Message);

        ex = Assert.Throws<ArgumentException>(() =>
            CachedAttention.Decode(cache, new Tensor(1, 2, 2, 4), new Tensor(1, 2, 1, 4), new Tensor(1, 2, 1, 4)));
        Assert.Equal("Qnew", ex.ParamName);
        Assert.Equal(0, cache.Position);

        cache.Append(new Tensor(1, 2, 1, 4), new Tensor(1, 2, 1, 4));
        ex = Assert.Throws<ArgumentException>(() =>
            CachedAttention.Prefill(cache, new Tensor(1, 2, 1, 4), new Tensor(1, 2, 1, 4), new Tensor(1, 2, 1, 4)));
        Assert.Equal("cache", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>("window", () => new SlidingWindowKvCache(1, 1, 1, 1, 0));
    }
}
