using Attention;
using CsCheck;

namespace Attention.Tests;

public class CostModelTests
{
    [Theory]
    [InlineData("GPT-2 small", 36)]
    [InlineData("Llama-2-7B", 512)]
    [InlineData("Llama-2-70B", 320)]
    [InlineData("Llama-3-8B", 128)]
    [InlineData("Llama-3-70B", 320)]
    [InlineData("Mistral-7B v0.1", 128)]
    [InlineData("Mixtral-8x7B", 128)]
    [InlineData("Falcon-7B", 8)]
    [InlineData("Gemma-2B", 18)]
    public void Fp16KvBytesPerTokenMatchTheTable(string name, int kib)
    {
        var m = ModelConfigs.Get(name);
        Assert.Equal(kib * 1024L, CostModel.KvCacheBytesPerToken(m, bytesPerValue: 2));
        Assert.Equal(kib * 1024L * 1000, CostModel.KvCacheBytes(m.Layers, m.KvHeads, m.HeadDim, tokens: 1000, bytesPerValue: 2));
    }

    [Fact]
    public void KvCacheBytesIsTheProductOfItsFactors()
    {
        Gen.Select(Gen.Int[1, 100], Gen.Int[1, 64], Gen.Int[1, 256], Gen.Long[0, 1_000_000], Gen.Int[1, 4]).Sample((layers, kvHeads, headDim, tokens, bytes) =>
        {
            long expected = 2L * layers * kvHeads * headDim * bytes * tokens;
            Assert.Equal(expected, CostModel.KvCacheBytes(layers, kvHeads, headDim, tokens, bytes));
        });
    }

    [Fact]
    public void SlidingWindowCapsTheCacheAtTheWindow()
    {
        var mistral = ModelConfigs.Get("Mistral-7B v0.1");
        long perToken = CostModel.KvCacheBytesPerToken(mistral, 2);
        Assert.Equal(3 * 1000 * perToken, CostModel.KvCacheBytes(mistral, tokens: 1000, batch: 3, bytesPerValue: 2));
        Assert.Equal(4096 * perToken, CostModel.KvCacheBytes(mistral, tokens: 8192, batch: 1, bytesPerValue: 2));

        var llama = ModelConfigs.Get("Llama-3-8B");
        Assert.Equal(8192 * CostModel.KvCacheBytesPerToken(llama, 2), CostModel.KvCacheBytes(llama, tokens: 8192, batch: 1, bytesPerValue: 2));
    }

    [Fact]
    public void TokensBeyondTheContextAreRejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.KvCacheBytes(ModelConfigs.Get("GPT-2 small"), 1025, 1, 2));
        Assert.Equal("tokens", ex.ParamName);
        Assert.Contains("1024", ex.Message);
    }

    [Fact]
    public void FlopsMatchABruteForceCountOfNaiveLoops()
    {
        var shapes = Gen.Select(Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 5], Gen.Int[0, 4], Gen.Int[1, 4], Gen.Int[1, 6])
            .Select(Gen.Bool, Gen.Int[0, 6], (s, causal, w) => (s, causal, w));
        shapes.Sample(t =>
        {
            var ((B, groups, kvHeads, L, extra, d, dModel), causal, w) = t;
            int H = groups * kvHeads, S = L + extra;
            long? window = causal && w > 0 ? w : null;
            var counted = CountNaively(B, H, kvHeads, L, S, d, dModel, causal, window);
            var flops = CostModel.Flops(B, H, kvHeads, L, S, d, dModel, causal, window);
            Assert.Equal(counted, (flops.Scores, flops.WeightedValues, flops.Projections, flops.Softmax));
        }, iter: 300);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void CausalPairsAreNTimesNPlusOneOverTwoNotHalfOfNSquared(int N)
    {
        long pairs = 0;
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                pairs++;
            }
        }

        Assert.Equal(pairs, CostModel.VisiblePairs(N, N, causal: true));
        Assert.Equal((long)N * N, CostModel.VisiblePairs(N, N, causal: false));

        // The approximation 2·B·H·N²·d drops the diagonal: exact − approx = 4·B·H·d·N/2.
        const int B = 2, H = 3, d = 8;
        long exact = CostModel.Flops(B, H, H, N, N, d, H * d, causal: true).Core;
        Assert.Equal(4L * B * H * N * N * d / 2, CostModel.ApproxAttentionFlops(B, H, N, d, causal: true));
        Assert.Equal(2L * B * H * N * d, exact - CostModel.ApproxAttentionFlops(B, H, N, d, causal: true));
        Assert.Equal(CostModel.ApproxAttentionFlops(B, H, N, d, causal: false), CostModel.Flops(B, H, H, N, N, d, H * d, causal: false).Core);
    }

    [Fact]
    public void DoublingTokensQuadruplesScoreMemory()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 64], Gen.Long[1, 100_000], Gen.Int[1, 4]).Sample((B, H, N, bytes) =>
        {
            Assert.Equal((long)B * H * N * N * bytes, CostModel.ScoreMatrixBytes(B, H, N, bytes));
            Assert.Equal(4 * CostModel.ScoreMatrixBytes(B, H, N, bytes), CostModel.ScoreMatrixBytes(B, H, 2 * N, bytes));
        });
    }

    [Fact]
    public void DecodeIntensityIsFarBelowPrefillIntensity()
    {
        Assert.All(ModelConfigs.All.Where(m => m.Latent is null), m =>
        {
            var prefill = CostModel.Prefill(m, batch: 1, N: m.Context, bytesPerValue: 2);
            var decode = CostModel.DecodeStep(m, batch: 1, n: m.Context, bytesPerValue: 2);
            // Batch-1 decode: 1 FLOP per fp16 weight byte; Hq/H FLOPs per fp16 KV byte (each KV head serves its group).
            Assert.True(decode.Intensity < 1.05 * Math.Max(1, m.GroupSize), $"{m.Name}: decode {decode.Intensity:F2} FLOP/B");
            Assert.True(prefill.Intensity > 50 * decode.Intensity, $"{m.Name}: prefill {prefill.Intensity:F1} vs decode {decode.Intensity:F2} FLOP/B");
        });
    }

    [Fact]
    public void DecodeStepReadsTheWholeCacheAndTheWeights()
    {
        var m = ModelConfigs.Get("Llama-2-7B");
        var step = CostModel.DecodeStep(m, batch: 1, n: 4096, bytesPerValue: 2);
        Assert.Equal(4096 * CostModel.KvCacheBytesPerToken(m, 2), step.Traffic.KvReadBytes);
        Assert.Equal(m.Layers * 4L * 4096 * 4096 * 2, step.Traffic.WeightBytes);

        // Mistral's window: a decode step at 8192 reads only the last 4096 tokens.
        var mistral = ModelConfigs.Get("Mistral-7B v0.1");
        Assert.Equal(CostModel.KvCacheBytes(mistral, 4096, 1, 2), CostModel.DecodeStep(mistral, 1, 8192, 2).Traffic.KvReadBytes);
    }

    [Theory]
    [InlineData(768, 12, 12, 64, true, 2_362_368)] // GPT-2 small: c_attn 768×2304 + 2304, c_proj 768×768 + 768
    [InlineData(4096, 32, 32, 128, false, 67_108_864)] // Llama-2-7B: 4 · 4096²
    public void AttentionParametersOfKnownModels(int dModel, int heads, int kvHeads, int headDim, bool bias, long expected)
    {
        Assert.Equal(expected, CostModel.AttentionParameters(dModel, heads, kvHeads, headDim, bias));
    }

    [Fact]
    public void AttentionParametersSumTheProjectionShapes()
    {
        Gen.Select(Gen.Int[1, 512], Gen.Int[1, 8], Gen.Int[1, 8], Gen.Int[1, 128], Gen.Bool).Sample((dModel, groups, kvHeads, d, bias) =>
        {
            int H = groups * kvHeads;
            long[][] shapes = [[dModel, H * d], [dModel, kvHeads * d], [dModel, kvHeads * d], [H * d, dModel]];
            long[][] biases = bias ? [[H * d], [kvHeads * d], [kvHeads * d], [dModel]] : [];
            long expected = shapes.Concat(biases).Sum(s => s.Aggregate(1L, (a, b) => a * b));
            Assert.Equal(expected, CostModel.AttentionParameters(dModel, H, kvHeads, d, bias));
        });

        long mha = CostModel.AttentionParameters(4096, 32, 32, 128, false);
        long gqa = CostModel.AttentionParameters(4096, 32, 8, 128, false);
        long mqa = CostModel.AttentionParameters(4096, 32, 1, 128, false);
        Assert.True(mha > gqa && gqa > mqa);
        Assert.Equal(2L * 4096 * 128 * (32 - 8), mha - gqa);
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        Assert.Equal("kvHeads", Assert.Throws<ArgumentException>(() => CostModel.AttentionParameters(64, 6, 4, 16, false)).ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.KvCacheBytes(1, 1, 1, -1, 2)).ParamName);
        Assert.Equal("headDim", Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.KvCacheBytes(1, 1, 0, 1, 2)).ParamName);
        Assert.Equal("L", Assert.Throws<ArgumentException>(() => CostModel.VisiblePairs(5, 4, causal: true)).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentException>(() => CostModel.VisiblePairs(4, 4, causal: false, window: 2)).ParamName);
        Assert.Equal("N", Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.Prefill(ModelConfigs.Get("GPT-2 small"), 1, 2048, 2)).ParamName);
        Assert.Throws<OverflowException>(() => CostModel.KvCacheBytes(int.MaxValue, int.MaxValue, int.MaxValue, long.MaxValue, 2));
    }

    // Counts the multiply-adds of naive loops (×2 FLOPs) and the softmax ops of visible scores.
    private static (long Scores, long WeightedValues, long Projections, long Softmax) CountNaively(
        int B, int H, int kvHeads, int L, int S, int d, int dModel, bool causal, long? window)
    {
        long scores = 0, weighted = 0, projections = 0, softmax = 0;
        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < L; t++)
            {
                for (int o = 0; o < (H + 2 * kvHeads) * d; o++)
                {
                    for (int e = 0; e < dModel; e++)
                    {
                        projections += 2; // x · [W_Q W_K W_V]
                    }
                }

                for (int o = 0; o < dModel; o++)
                {
                    for (int e = 0; e < H * d; e++)
                    {
                        projections += 2; // attention output · W_O
                    }
                }
            }

            for (int h = 0; h < H; h++)
            {
                for (int i = 0; i < L; i++)
                {
                    int p = S - L + i; // the query's absolute position
                    for (int j = 0; j < S; j++)
                    {
                        bool visible = !causal || (j <= p && (window is null || j > p - window));
                        if (!visible)
                        {
                            continue;
                        }

                        softmax += 5;
                        for (int e = 0; e < d; e++)
                        {
                            scores += 2;
                            weighted += 2;
                        }
                    }
                }
            }
        }

        return (scores, weighted, projections, softmax);
    }
}
