namespace Attention.Models.Tests;

/// <summary>
/// The decoder over a sinks + window cache (section 7.2) and with rescaled RoPE frequencies (section 7.3), each against an
/// independent computation.
/// </summary>
public class StreamingDecoderTests
{
    private static AttentionOnlyDecoder Model(PositionEncoding positions, int layers, int seed) =>
        new(DecoderWeights.Random(new DecoderConfig(Vocab: 16, DModel: 16, Heads: 4, Layers: layers, Context: 8) { Positions = positions }, seed));

    private static int[][] Tokens(int B, int N, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, B).Select(_ => Enumerable.Range(0, N).Select(_ => rng.Next(16)).ToArray())];
    }

    [Theory]
    [InlineData(PositionEncoding.Rope)]
    [InlineData(PositionEncoding.Alibi)]
    public void With_nothing_evicted_the_stream_gives_the_full_forward(PositionEncoding positions)
    {
        var model = Model(positions, layers: 2, seed: 3);
        int[][] tokens = Tokens(3, 20, 4);
        foreach (var (S, W) in new[] { (0, 20), (4, 16), (2, 30) })
        {
            double gap = Tensor.MaxAbsDiff(StreamingDecoder.Logits(model, tokens, S, W), model.Logits(tokens));
            Assert.True(gap < 1e-4, $"{positions}, sinks {S}, window {W}: |stream − full| = {gap}");
        }
    }

    [Theory]
    [InlineData(PositionEncoding.Rope, 0, 5)]
    [InlineData(PositionEncoding.Rope, 3, 4)]
    [InlineData(PositionEncoding.Alibi, 0, 6)]
    [InlineData(PositionEncoding.Alibi, 2, 3)]
    public void One_layer_sees_exactly_the_held_tokens_numbered_by_cache_place(PositionEncoding positions, int S, int W)
    {
        // With one layer a key depends on its token alone, so the stream's logits at token n are the full forward's last
        // logits on the held tokens packed together: the sinks, then the window (positions 0 .. held − 1).
        var model = Model(positions, layers: 1, seed: 7);
        int[][] tokens = Tokens(2, 18, 8);
        Tensor streamed = StreamingDecoder.Logits(model, tokens, S, W);
        for (int n = 0; n < 18; n++)
        {
            int[] held = [.. Enumerable.Range(0, n + 1).Where(p => p < S || p > n - W)];
            Tensor packed = model.Logits([.. tokens.Select(s => held.Select(p => s[p]).ToArray())]);
            for (int b = 0; b < 2; b++)
            {
                double gap = Tensor.MaxAbsDiff(new Tensor(streamed.Row(b, n).ToArray(), 16), new Tensor(packed.Row(b, held.Length - 1).ToArray(), 16));
                Assert.True(gap < 1e-4, $"token {n}, sequence {b}: |stream − packed| = {gap}");
            }
        }
    }

    [Fact]
    public void Learned_positions_cannot_stream_and_the_error_says_why()
    {
        var e = Assert.Throws<ArgumentException>(() => StreamingDecoder.Logits(Model(PositionEncoding.Learned, 1, 1), Tokens(1, 4, 1), 1, 2));
        Assert.Contains("RoPE or ALiBi", e.Message);
    }

    [Fact]
    public void Rescaled_frequencies_and_logit_scale_match_a_float64_forward()
    {
        var model = Model(PositionEncoding.Rope, layers: 1, seed: 9);
        double[] theta = [0.7, 0.05];
        var scaled = model.WithRopeFrequencies(theta, logitScale: 1.6);
        int[] tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
        Tensor logits = scaled.Logits([tokens]);
        double[,] expected = Float64Forward(model.Weights, tokens, theta, 1.6);
        double gap = 0;
        for (int n = 0; n < tokens.Length; n++)
        {
            for (int v = 0; v < 16; v++)
            {
                gap = Math.Max(gap, Math.Abs(logits[0, n, v] - expected[n, v]));
            }
        }

        Assert.True(gap < 1e-3, $"|scaled − float64| = {gap}");
        Assert.True(Tensor.MaxAbsDiff(logits, model.Logits([tokens])) > 1e-2, "the scaling changed nothing");
        Assert.Equal(0, Tensor.MaxAbsDiff(model.WithRopeFrequencies(model.RopeFrequencies!).Logits([tokens]), model.Logits([tokens])));
        Assert.Throws<ArgumentException>(() => model.WithRopeFrequencies([1.0]));
        Assert.Throws<InvalidOperationException>(() => Model(PositionEncoding.Alibi, 1, 1).WithRopeFrequencies(theta));
    }

    // One layer, interleaved pairs (2i, 2i + 1) rotated by n · θ_i, causal softmax of s · q·k / √d_head.
    private static double[,] Float64Forward(DecoderWeights w, int[] tokens, double[] theta, double s)
    {
        int N = tokens.Length, d = w.Config.DModel, h = w.Config.Heads, dh = w.Config.HeadDim, V = w.Config.Vocab;
        var L = w.Layers[0];
        double[,] x = new double[N, d];
        for (int n = 0; n < N; n++)
        {
            for (int k = 0; k < d; k++)
            {
                x[n, k] = w.WE[tokens[n], k];
            }
        }

        double[,] Project(Tensor W)
        {
            var y = new double[N, d];
            for (int n = 0; n < N; n++)
            {
                for (int o = 0; o < d; o++)
                {
                    for (int k = 0; k < d; k++)
                    {
                        y[n, o] += x[n, k] * W[k, o];
                    }
                }
            }

            return y;
        }

        double[,] q = Project(L.WQ), key = Project(L.WK), v = Project(L.WV);
        foreach (var m in new[] { q, key })
        {
            for (int n = 0; n < N; n++)
            {
                for (int head = 0; head < h; head++)
                {
                    for (int i = 0; i < dh / 2; i++)
                    {
                        int a = (head * dh) + (2 * i);
                        double c = Math.Cos(n * theta[i]), sn = Math.Sin(n * theta[i]), x0 = m[n, a], x1 = m[n, a + 1];
                        (m[n, a], m[n, a + 1]) = ((x0 * c) - (x1 * sn), (x0 * sn) + (x1 * c));
                    }
                }
            }
        }

        var z = new double[N, d];
        for (int head = 0; head < h; head++)
        {
            for (int i = 0; i < N; i++)
            {
                var score = new double[i + 1];
                for (int j = 0; j <= i; j++)
                {
                    for (int k = 0; k < dh; k++)
                    {
                        score[j] += s * q[i, (head * dh) + k] * key[j, (head * dh) + k] / Math.Sqrt(dh);
                    }
                }

                double max = score.Max(), sum = score.Sum(t => Math.Exp(t - max));
                for (int j = 0; j <= i; j++)
                {
                    for (int k = 0; k < dh; k++)
                    {
                        z[i, (head * dh) + k] += Math.Exp(score[j] - max) / sum * v[j, (head * dh) + k];
                    }
                }
            }
        }

        var logits = new double[N, V];
        for (int n = 0; n < N; n++)
        {
            var r = new double[d];
            for (int o = 0; o < d; o++)
            {
                r[o] = x[n, o];
                for (int k = 0; k < d; k++)
                {
                    r[o] += z[n, k] * L.WO[k, o];
                }
            }

            for (int t = 0; t < V; t++)
            {
                for (int k = 0; k < d; k++)
                {
                    logits[n, t] += r[k] * w.WU[k, t];
                }
            }
        }

        return logits;
    }
}
