using Attention;
using CsCheck;

namespace Attention.Tests;

public class KvCacheTests
{
    [Fact]
    public void CachedDecodeEqualsFullCausalForwardForEverySplit()
    {
        DecoderCase.Cases.Sample(c =>
        {
            Tensor Q = c.Q, K = c.K, V = c.V;
            Tensor full = ScaledDotProductAttention.Forward(Q, K, V, causal: CausalAlignment.TopLeft);

            // The full forward itself against the float64 definition: query i sees keys 0..i.
            Assert.True(Reference.MaxAbsDiff(full, Reference.Attention(Q, K, V, visible: (_, _, i, j) => j <= i)) < 1e-5);

            foreach (var (P, step) in c.Splits())
            {
                var cache = new KvCache(c.B, c.KvHeads, c.D, c.Dv, capacity: c.N);
                Tensor O = c.Run(
                    P,
                    step,
                    (from, n) => CachedAttention.Prefill(
                        cache, DecoderCase.Tokens(Q, from, n), DecoderCase.Tokens(K, from, n), DecoderCase.Tokens(V, from, n)),
                    (from, n) => CachedAttention.Decode(
                        cache, DecoderCase.Tokens(Q, from, n), DecoderCase.Tokens(K, from, n), DecoderCase.Tokens(V, from, n)));

                double diff = Reference.MaxAbsDiff(O, full);
                Assert.True(diff < 1e-5, $"prompt {P}, step {step}: max |cached − full| = {diff}");
                Assert.Equal(c.N, cache.Length);
                Assert.Equal(0, Reference.MaxAbsDiff(cache.Keys, K));
                Assert.Equal(0, Reference.MaxAbsDiff(cache.Values, V));
            }
        }, iter: 40);
    }

    [Fact]
    public void KeysAndValuesAreTheAppendedTokensInOrder()
    {
        var cache = new KvCache(2, 3, 4, 5, capacity: 7);
        Tensor K = Tensor.Random(1, [2, 3, 6, 4]), V = Tensor.Random(2, [2, 3, 6, 5]);
        cache.Append(DecoderCase.Tokens(K, 0, 2), DecoderCase.Tokens(V, 0, 2));
        cache.Append(DecoderCase.Tokens(K, 2, 1), DecoderCase.Tokens(V, 2, 1));
        cache.Append(DecoderCase.Tokens(K, 3, 3), DecoderCase.Tokens(V, 3, 3));
        Assert.Equal(6, cache.Length);
        Assert.Equal([2, 3, 6, 4], cache.Keys.Shape);
        Assert.Equal([2, 3, 6, 5], cache.Values.Shape);
        for (int b = 0; b < 2; b++)
        {
            for (int h = 0; h < 3; h++)
            {
                for (int t = 0; t < 6; t++)
                {
                    Assert.Equal(K.Row(b, h, t).ToArray(), cache.Keys.Row(b, h, t).ToArray());
                    Assert.Equal(V.Row(b, h, t).ToArray(), cache.Values.Row(b, h, t).ToArray());
                }
            }
        }
    }

    [Theory]
    [InlineData(32, 128, 32, 512)] // Llama-2-7B: 32 layers, 32 KV heads of 128 → 512 KiB per token in fp16
    [InlineData(32, 128, 8, 128)] // Llama-3-8B: GQA with 8 KV heads → 128 KiB
    [InlineData(12, 64, 12, 36)] // GPT-2 small → 36 KiB
    [InlineData(32, 64, 1, 8)] // Falcon-7B: multi-query, one KV head → 8 KiB
    public void BytesPerTokenMatchCourseTable(int layers, int headDim, int kvHeads, int kibPerToken)
    {
        var cache = new KvCache(1, kvHeads, headDim, headDim, capacity: 3);
        cache.Append(new Tensor(1, kvHeads, 1, headDim), new Tensor(1, kvHeads, 1, headDim));
        Assert.Equal(2L * kvHeads * headDim * 2, cache.Bytes(2));
        Assert.Equal(kibPerToken * 1024L, layers * cache.Bytes(bytesPerValue: 2));
        cache.Append(new Tensor(1, kvHeads, 2, headDim), new Tensor(1, kvHeads, 2, headDim));
        Assert.Equal(3 * 2L * kvHeads * headDim * 4, cache.Bytes(4));
    }

    [Fact]
    public void OverflowIsAClearError()
    {
        var cache = new KvCache(1, 2, 3, 3, capacity: 4);
        cache.Append(new Tensor(1, 2, 3, 3), new Tensor(1, 2, 3, 3));
        var ex = Assert.Throws<InvalidOperationException>(() => cache.Append(new Tensor(1, 2, 2, 3), new Tensor(1, 2, 2, 3)));
        Assert.Contains("capacity of 4", ex.Message);
        Assert.Equal(3, cache.Length);
    }

    [Fact]
    public void ShapeMismatchNamesArgumentExpectedAndActual()
    {
        var cache = new KvCache(1, 2, 4, 5, capacity: 8);
        var ex = Assert.Throws<ArgumentException>(() => cache.Append(new Tensor(1, 3, 1, 4), new Tensor(1, 2, 1, 5)));
        Assert.Equal("Knew", ex.ParamName);
        Assert.Contains("[1, 2, *, 4]", ex.Message);
        Assert.Contains("[1, 3, 1, 4]", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => cache.Append(new Tensor(1, 2, 2, 4), new Tensor(1, 2, 1, 5)));
        Assert.Equal("Vnew", ex.ParamName);
        Assert.Contains("[1, 2, 2, 5]", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => cache.Append(new Tensor(1, 2, 0, 4), new Tensor(1, 2, 0, 5)));
        Assert.Equal("Knew", ex.ParamName);

        ex = Assert.Throws<ArgumentException>(() =>
            CachedAttention.Decode(cache, new Tensor(1, 4, 2, 4), new Tensor(1, 2, 1, 4), new Tensor(1, 2, 1, 5)));
        Assert.Equal("Qnew", ex.ParamName);
        Assert.Contains("[1, 4, 2, 4]", ex.Message);

        ex = Assert.Throws<ArgumentException>(() =>
            CachedAttention.Decode(cache, new Tensor(1, 3, 1, 4), new Tensor(1, 2, 1, 4), new Tensor(1, 2, 1, 5)));
        Assert.Equal("Qnew", ex.ParamName);
        Assert.Equal(0, cache.Length);
    }

    [Fact]
    public void FailedDecodeLeavesTheCacheUnchanged()
    {
        var cache = new KvCache(1, 1, 2, 2, capacity: 8);
        CachedAttention.Prefill(cache, Tensor.Random(1, [1, 2, 3, 2]), Tensor.Random(2, [1, 1, 3, 2]), Tensor.Random(3, [1, 1, 3, 2]));
        var wrongBias = new Tensor(1, 2, 1, 3); // S after the append is 4, not 3
        var ex = Assert.Throws<ArgumentException>(() => CachedAttention.Decode(
            cache, Tensor.Random(4, [1, 2, 1, 2]), Tensor.Random(5, [1, 1, 1, 2]), Tensor.Random(6, [1, 1, 1, 2]), bias: wrongBias));
        Assert.Equal("bias", ex.ParamName);
        Assert.Equal(3, cache.Length);
    }

    [Fact]
    public void PrefillNeedsAnEmptyCache()
    {
        var cache = new KvCache(1, 1, 2, 2, capacity: 8);
        cache.Append(new Tensor(1, 1, 1, 2), new Tensor(1, 1, 1, 2));
        var ex = Assert.Throws<ArgumentException>(() =>
            CachedAttention.Prefill(cache, new Tensor(1, 1, 2, 2), new Tensor(1, 1, 2, 2), new Tensor(1, 1, 2, 2)));
        Assert.Equal("cache", ex.ParamName);
    }

    [Fact]
    public void ConstructorRejectsNonPositiveSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>("capacity", () => new KvCache(1, 1, 1, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("kvHeads", () => new KvCache(1, 0, 1, 1, 4));
    }
}
