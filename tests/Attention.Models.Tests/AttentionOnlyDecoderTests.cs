using System.Text.Json.Nodes;
using Attention.Models;

namespace Attention.Models.Tests;

/// <summary>The shipped model, measured once for the class: what data/induction-decoder.md claims must be what it does.</summary>
public sealed class ShippedDecoderFixture
{
    public ShippedDecoderFixture()
    {
        File = DecoderFile.Read(DecoderFile.ShippedPath);
        Model = new AttentionOnlyDecoder(File.Weights);
        Metrics = DecoderMetrics.Measure(Model);
    }

    public DecoderFileContents File { get; }

    public AttentionOnlyDecoder Model { get; }

    public DecoderMetrics Metrics { get; }
}

public class AttentionOnlyDecoderTests(ShippedDecoderFixture shipped) : IClassFixture<ShippedDecoderFixture>
{
    private double Chance => 1.0 / shipped.Model.Config.Vocab;

    [Fact]
    public void The_shipped_model_predicts_at_least_90_percent_of_the_repeat_on_held_out_sequences()
    {
        Assert.True(shipped.Metrics.Accuracy >= 0.9, $"repeated-half accuracy {shipped.Metrics.Accuracy:P1} < 90%");
    }

    [Fact]
    public void Layer_0_has_a_previous_token_head_and_layer_1_an_induction_head()
    {
        var previous = shipped.Metrics.PreviousTokenHead;
        var induction = shipped.Metrics.InductionHead;
        Assert.True(previous.PreviousToken >= 0.5, $"best layer-0 previous-token score {previous.PreviousToken:F3} ({previous.Name}) < 0.5");
        Assert.True(induction.Induction >= 0.5, $"best layer-1 induction score {induction.Induction:F3} ({induction.Name}) < 0.5");

        // A head that attends uniformly over the causal prefix scores about 1/position on both: far below these.
        Assert.True(shipped.Metrics.Heads.Count(h => h.Layer == 1 && h.PreviousToken > 0.5) == 0, "a layer-1 head looks like a previous-token head");
    }

    [Fact]
    public void Ablating_the_induction_heads_drops_accuracy_to_near_chance_while_a_head_outside_the_circuit_barely_moves_it()
    {
        var m = shipped.Metrics;
        var induction = m.Heads.Where(h => h.Layer == 1 && h.Induction >= 0.5).ToArray();
        Assert.Contains(m.InductionHead, induction);
        double without = DecoderEvaluation.RepeatedHalfAccuracy(shipped.Model, DecoderMetrics.HeldOut(shipped.Model.Config), DecoderEvaluation.MeanAblation(induction));
        Assert.True(without <= 5 * Chance, $"accuracy with {string.Join(", ", induction.Select(h => h.Name))} ablated is {without:P1}; near chance ({Chance:P1}) means ≤ {5 * Chance:P1}");

        var outside = m.Heads.Where(h => h.PreviousToken < 0.5 && h.Induction < 0.5).ToArray();
        Assert.NotEmpty(outside);
        Assert.Contains(outside, h => m.Accuracy - m.Ablated[h.Layer, h.Head] <= 0.02);
    }

    [Fact]
    public void Each_induction_head_alone_copies_and_removing_it_then_leaves_chance()
    {
        // The induction heads back each other up: with the other layer-1 heads removed, each one still copies most of the
        // repeat on its own; removing it as well (all of layer 1's induction heads) leaves chance (the test above).
        var m = shipped.Metrics;
        var heldOut = DecoderMetrics.HeldOut(shipped.Model.Config);
        foreach (var head in m.Heads.Where(h => h.Layer == 1 && h.Induction >= 0.5))
        {
            var others = m.Heads.Where(h => h.Layer == 1 && h != head);
            double alone = DecoderEvaluation.RepeatedHalfAccuracy(shipped.Model, heldOut, DecoderEvaluation.MeanAblation(others));
            Assert.True(alone >= 0.5, $"{head.Name} alone in layer 1 gets {alone:P1} of the repeat");
        }
    }

    [Fact]
    public void Ablating_the_previous_token_heads_breaks_the_induction_heads_too()
    {
        var m = shipped.Metrics;
        var previous = m.Heads.Where(h => h.Layer == 0 && h.PreviousToken >= 0.5).ToArray();
        double without = DecoderEvaluation.RepeatedHalfAccuracy(shipped.Model, DecoderMetrics.HeldOut(shipped.Model.Config), DecoderEvaluation.MeanAblation(previous));
        Assert.True(without <= 5 * Chance, $"accuracy with {string.Join(", ", previous.Select(h => h.Name))} ablated is {without:P1}");
    }

    [Fact]
    public void The_metrics_the_training_program_recorded_are_the_ones_measured_now()
    {
        var recorded = DecoderMetrics.FromJson(shipped.File.Info["metrics"]!.AsObject(), shipped.Model.Config);
        Assert.Equal(recorded.Accuracy, shipped.Metrics.Accuracy, 9);
        foreach (var (was, now) in recorded.Heads.Zip(shipped.Metrics.Heads))
        {
            Assert.Equal(was.Name, now.Name);
            Assert.Equal(was.PreviousToken, now.PreviousToken, 5);
            Assert.Equal(was.Induction, now.Induction, 5);
            Assert.Equal(recorded.Ablated[was.Layer, was.Head], shipped.Metrics.Ablated[now.Layer, now.Head], 9);
        }

        Assert.Equal(DecoderFile.Checksum(shipped.File.Weights), shipped.File.Checksum);
    }

    [Fact]
    public void Greedy_generation_with_the_KV_cache_equals_recomputing_the_prefix_token_for_token()
    {
        var batch = RepeatedSequences.Sample(99, 6, shipped.Model.Config.Context, shipped.Model.Config.Vocab);
        for (int b = 0; b < batch.Tokens.Length; b++)
        {
            int promptLength = batch.Starts[b] + batch.Segments[b] + 1;
            int[] prompt = batch.Tokens[b][..promptLength];
            int steps = shipped.Model.Config.Context - promptLength;
            int[] cached = DecoderGeneration.Cached(shipped.Model, prompt, steps);
            int[] recomputed = DecoderGeneration.Recomputed(shipped.Model, prompt, steps);
            Assert.Equal(recomputed, cached);
        }
    }

    [Fact]
    public void Decode_logits_equal_the_full_forward_at_every_position()
    {
        int[] tokens = RepeatedSequences.Sample(5, 1, shipped.Model.Config.Context, shipped.Model.Config.Vocab).Tokens[0];
        Tensor full = shipped.Model.Logits([tokens]);
        var session = new CachedSession(shipped.Model, tokens.Length);
        Tensor prefill = session.Feed(tokens[..10]);
        double worst = 0;
        for (int n = 0; n < tokens.Length; n++)
        {
            ReadOnlySpan<float> step = n < 10 ? prefill.Row(0, n) : session.Feed([tokens[n]]).Row(0, 0);
            for (int v = 0; v < step.Length; v++)
            {
                worst = Math.Max(worst, Math.Abs(step[v] - full[0, n, v]));
            }
        }

        Assert.True(worst < 1e-4, $"max |Δ logit| between decode and the full forward: {worst:G3}");
        Assert.Equal(2L * 2 * 4 * tokens.Length * 16 * 4, session.Bytes(4));
    }

    [Fact]
    public void The_model_copies_a_repeat_it_has_never_seen_when_generating()
    {
        var batch = RepeatedSequences.Sample(123, 20, shipped.Model.Config.Context, shipped.Model.Config.Vocab);
        int right = 0, total = 0;
        for (int b = 0; b < batch.Tokens.Length; b++)
        {
            int promptLength = batch.Starts[b] + batch.Segments[b] + 1;
            int[] generated = DecoderGeneration.Cached(shipped.Model, batch.Tokens[b][..promptLength], shipped.Model.Config.Context - promptLength);
            for (int n = promptLength; n < generated.Length; n++, total++)
            {
                right += generated[n] == batch.Tokens[b][n] ? 1 : 0;
            }
        }

        Assert.True(right >= 0.9 * total, $"{right} of {total} generated tokens copy the segment");
    }

    [Fact]
    public void Bad_token_input_names_the_problem()
    {
        var model = shipped.Model;
        Assert.Contains("not a token id", Assert.Throws<ArgumentException>(() => model.Logits([[1, 64]])).Message);
        Assert.Contains("sequence 1 has length 1", Assert.Throws<ArgumentException>(() => model.Logits([[1, 2], [3]])).Message);
        Assert.Contains("positions 0 .. 64", Assert.Throws<ArgumentException>(() => model.Logits([new int[65]])).Message);
        Assert.Throws<ArgumentException>(() => model.Logits([]));
        var session = new CachedSession(model, 3);
        session.Feed([1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => session.Feed([4]));
        Assert.Equal(3, session.Length);
    }
}

public class DecoderFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("decoder-file-").FullName;

    public void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData(PositionEncoding.Learned)]
    [InlineData(PositionEncoding.Rope)]
    [InlineData(PositionEncoding.Alibi)]
    public void A_written_file_reads_back_to_the_same_weights_and_info(PositionEncoding positions)
    {
        var weights = DecoderWeights.Random(new DecoderConfig(11, 8, 2, 2, 6, positions), 3);
        string path = Path.Combine(folder, "w.bin");
        string checksum = DecoderFile.Write(path, weights, new JsonObject { ["metrics"] = new JsonObject { ["x"] = 1 } });
        var read = DecoderFile.Read(path);
        Assert.Equal(checksum, read.Checksum);
        Assert.Equal(weights.Config, read.Weights.Config);
        foreach (var (a, b) in weights.Parameters().Zip(read.Weights.Parameters()))
        {
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.Value.Data, b.Value.Data);
        }

        Assert.Equal(1, (int)read.Info["metrics"]!["x"]!);
    }

    [Fact]
    public void A_missing_file_names_the_command_that_rebuilds_it()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DecoderFile.Read(Path.Combine(folder, "none.bin")));
        Assert.Contains(DecoderFile.RebuildCommand, e.Message);
        Assert.Contains("none.bin", e.Message);
    }

    [Fact]
    public void A_damaged_file_says_what_is_wrong_and_names_the_file_and_the_command()
    {
        string path = Path.Combine(folder, "w.bin");
        DecoderFile.Write(path, DecoderWeights.Random(new DecoderConfig(11, 8, 2, 2, 6), 3));
        byte[] good = File.ReadAllBytes(path);

        void Expect(byte[] bytes, string why)
        {
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<InvalidDataException>(() => DecoderFile.Read(path));
            Assert.Contains(why, e.Message);
            Assert.Contains(path, e.Message);
            Assert.Contains(DecoderFile.RebuildCommand, e.Message);
        }

        var flipped = (byte[])good.Clone();
        flipped[^5] ^= 0x40;
        Expect(flipped, "SHA-256");
        Expect(good[..^4], "payload has");
        Expect([.. "NOTADEC1"u8.ToArray(), .. good[8..]], "ATTNDEC1");
        Expect(good[..20], "header length");
        var renamed = (byte[])good.Clone();
        int at = good.AsSpan().IndexOf("\"blocks.0.W_Q\""u8);
        renamed[at + 12] = (byte)'X';                           // the header now lists blocks.0.W_X
        Expect(renamed, "blocks.0.W_X");
        var noVocab = (byte[])good.Clone();
        noVocab[good.AsSpan().IndexOf("\"vocab\""u8) + 5] = (byte)'X';   // the config now has "vocaX" and no "vocab"
        Expect(noVocab, "config.vocab is missing");
    }
}
