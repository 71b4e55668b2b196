using Attention;
using CsCheck;

namespace Attention.Tests;

public class LatentAttentionTests
{
    public sealed record Case(int B, int N, int Heads, int HeadDim, int LatentDim, int RopeDim, int DModel, int Seed)
    {
        public LatentAttentionWeights Weights => LatentAttentionWeights.Random(Seed, DModel, Heads, HeadDim, LatentDim, RopeDim);

        public Tensor X => Tensor.Random(Seed, [B, N, DModel]);
    }

    private static readonly Gen<Case> Cases =
        from B in Gen.Int[1, 2]
        from N in Gen.Int[1, 7]
        from heads in Gen.Int[1, 4]
        from headDim in Gen.Int[1, 19]
        from latent in Gen.Int[1, 6]
        from ropeHalf in Gen.Int[1, 3]
        from dModel in Gen.Int[1, 9]
        from seed in Gen.Int[0, 1_000_000]
        select new Case(B, N, heads, headDim, latent, 2 * ropeHalf, dModel, seed);

    [Fact]
    public void ExplicitMatchesTheFloat64Definition()
    {
        Cases.Sample(c =>
        {
            double[,,] expected = Definition(c.X, c.Weights, c.Heads);
            Tensor y = LatentAttention.Explicit(c.X, c.Weights, c.Heads);
            Assert.Equal([c.B, c.N, c.DModel], y.Shape);
            for (int b = 0; b < c.B; b++)
            {
                for (int n = 0; n < c.N; n++)
                {
                    for (int e = 0; e < c.DModel; e++)
                    {
                        Assert.True(Math.Abs(y[b, n, e] - expected[b, n, e]) < 1e-4, $"{c}: y[{b},{n},{e}] = {y[b, n, e]}, definition {expected[b, n, e]}");
                    }
                }
            }
        });
    }

    [Fact]
    public void AbsorbedPrefillEqualsExplicit()
    {
        Cases.Sample(c =>
        {
            var (y, cache) = LatentAttention.Absorbed(c.X, c.Weights, c.Heads);
            Assert.True(Tensor.MaxAbsDiff(y, LatentAttention.Explicit(c.X, c.Weights, c.Heads)) < 1e-4, c.ToString());
            Assert.Equal([c.B, c.N, c.LatentDim], cache.C.Shape);
            Assert.Equal([c.B, c.N, c.RopeDim], cache.KRope.Shape);
        });
    }

    [Fact]
    public void DecodingFromTheLatentCacheEqualsTheFullSequence()
    {
        Cases.Sample(c =>
        {
            Tensor X = c.X, full = LatentAttention.Explicit(X, c.Weights, c.Heads);
            int prefill = c.N / 2;
            LatentCache? cache = null;
            if (prefill > 0)
            {
                (_, cache) = LatentAttention.Absorbed(Tokens(X, 0, prefill), c.Weights, c.Heads);
            }

            for (int n = prefill; n < c.N; n++)
            {
                Tensor rebuilt = LatentAttention.Explicit(Tokens(X, n, 1), c.Weights, c.Heads, cache);
                (Tensor y, cache) = LatentAttention.Absorbed(Tokens(X, n, 1), c.Weights, c.Heads, cache);
                Assert.True(Tensor.MaxAbsDiff(y, Tokens(full, n, 1)) < 1e-4, $"{c}: token {n}");
                Assert.True(Tensor.MaxAbsDiff(rebuilt, Tokens(full, n, 1)) < 1e-4, $"{c}: token {n}, rebuilt from the cache");
            }

            Assert.Equal(c.N, cache!.Tokens);
        });
    }

    [Fact]
    public void TheCacheIsTheCompressedLatentAndTheRotatedRopeKey()
    {
        var c = new Case(1, 5, 3, 4, 6, 4, 8, 11);
        LatentCache cache = LatentAttention.Compress(c.X, c.Weights);
        Assert.True(Tensor.MaxAbsDiff(cache.C, Linear.Forward(c.X, c.Weights.WDkv)) == 0);

        // Compressing the last two tokens at their own positions gives the same entries as compressing all five.
        LatentCache tail = LatentAttention.Compress(Tokens(c.X, 3, 2), c.Weights, startPosition: 3);
        Assert.True(Tensor.MaxAbsDiff(tail.KRope, Tokens(cache.KRope, 3, 2)) < 1e-6);
        Assert.True(Tensor.MaxAbsDiff(tail.KRope, Tokens(LatentAttention.Compress(c.X, c.Weights, 1).KRope, 3, 2)) > 1e-3);
    }

    [Fact]
    public void BadShapesNameTheArgument()
    {
        var c = new Case(1, 3, 2, 4, 6, 4, 8, 1);
        var ex = Assert.Throws<ArgumentException>(() => LatentAttention.Explicit(Tensor.Random(1, [1, 3, 7]), c.Weights, 2));
        Assert.Contains("w.WDkv", ex.Message);
        Assert.Contains("[8, 6]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => LatentAttention.Explicit(c.X, c.Weights, 3));
        Assert.Contains("heads = 3", ex.Message);
        var wrongCache = new LatentCache(new Tensor(1, 2, 5), new Tensor(1, 2, 4));
        ex = Assert.Throws<ArgumentException>(() => LatentAttention.Absorbed(c.X, c.Weights, 2, wrongCache));
        Assert.Contains("past.C", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => CostModel.DecodeStep(ModelConfigs.Get("DeepSeek-V2"), 1, 100, 2));
        Assert.Contains("latent", ex.Message);
    }

    private static Tensor Tokens(Tensor X, int start, int count)
    {
        int B = X.Dim(0), N = X.Dim(1), d = X.Dim(2);
        var part = new Tensor(B, count, d);
        for (int b = 0; b < B; b++)
        {
            X.Data.AsSpan(((b * N) + start) * d, count * d).CopyTo(part.Data.AsSpan(b * count * d, count * d));
        }

        return part;
    }

    // The definition in float64, head by head, with every key and value built in full.
    private static double[,,] Definition(Tensor X, LatentAttentionWeights w, int H)
    {
        int B = X.Dim(0), N = X.Dim(1), D = X.Dim(2), dc = w.LatentDim, dR = w.RopeDim, dh = w.WQ.Dim(1) / H;
        double Dot(Tensor A, int row, Tensor W, int col, int inner, int b) =>
            Enumerable.Range(0, inner).Sum(k => (double)A.Data[(((b * N) + row) * inner) + k] * W[k, col]);
        var y = new double[B, N, D];
        for (int b = 0; b < B; b++)
        {
            var c = new double[N, dc];
            for (int n = 0; n < N; n++)
            {
                for (int j = 0; j < dc; j++)
                {
                    c[n, j] = Dot(X, n, w.WDkv, j, D, b);
                }
            }

            double[] Rotate(double[] v, int position)
            {
                var r = (double[])v.Clone();
                int half = v.Length / 2;
                for (int i = 0; i < half; i++)
                {
                    double angle = position * Math.Pow(10000, -2.0 * i / v.Length);
                    r[i] = (v[i] * Math.Cos(angle)) - (v[i + half] * Math.Sin(angle));
                    r[i + half] = (v[i] * Math.Sin(angle)) + (v[i + half] * Math.Cos(angle));
                }

                return r;
            }

            var kR = Enumerable.Range(0, N).Select(n => Rotate(Enumerable.Range(0, dR).Select(j => Dot(X, n, w.WKr, j, D, b)).ToArray(), n)).ToArray();
            var concat = new double[N, H * dh];
            for (int h = 0; h < H; h++)
            {
                for (int i = 0; i < N; i++)
                {
                    double[] q = Enumerable.Range(0, dh).Select(e => Dot(X, i, w.WQ, (h * dh) + e, D, b))
                        .Concat(Rotate(Enumerable.Range(0, dR).Select(e => Dot(X, i, w.WQr, (h * dR) + e, D, b)).ToArray(), i)).ToArray();
                    var logits = new double[i + 1];
                    for (int j = 0; j <= i; j++)
                    {
                        double[] k = Enumerable.Range(0, dh).Select(e => Enumerable.Range(0, dc).Sum(t => c[j, t] * w.WUk[t, (h * dh) + e])).Concat(kR[j]).ToArray();
                        logits[j] = q.Zip(k, (a, z) => a * z).Sum() / Math.Sqrt(dh + dR);
                    }

                    double max = logits.Max();
                    double[] p = logits.Select(l => Math.Exp(l - max)).ToArray();
                    double total = p.Sum();
                    for (int e = 0; e < dh; e++)
                    {
                        concat[i, (h * dh) + e] = Enumerable.Range(0, i + 1).Sum(j => p[j] / total * Enumerable.Range(0, dc).Sum(t => c[j, t] * w.WUv[t, (h * dh) + e]));
                    }
                }
            }

            for (int i = 0; i < N; i++)
            {
                for (int e = 0; e < D; e++)
                {
                    y[b, i, e] = Enumerable.Range(0, H * dh).Sum(k => concat[i, k] * w.WO[k, e]);
                }
            }
        }

        return y;
    }
}
