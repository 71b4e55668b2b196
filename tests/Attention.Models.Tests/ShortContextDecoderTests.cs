using System.Globalization;

namespace Attention.Models.Tests;

/// <summary>The decoders of section 7, trained at 32 tokens: each file is what its report and its command say.</summary>
public class ShortContextDecoderTests
{
    public static TheoryData<PositionEncoding> Schemes => [.. ShortContextDecoders.Schemes];

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Each_file_holds_its_scheme_at_32_tokens_and_the_command_that_trained_it(PositionEncoding positions)
    {
        var file = ShortContextDecoders.Read(positions);
        Assert.Equal(positions, file.Weights.Config.Positions);
        Assert.Equal(ShortContextDecoders.Context, file.Weights.Config.Context);
        Assert.Equal(ShortContextDecoders.Command(positions), (string?)file.Info["training"]!["command"]);
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void The_reported_held_out_accuracy_is_what_the_weights_do(PositionEncoding positions)
    {
        var file = ShortContextDecoders.Read(positions);
        var model = new AttentionOnlyDecoder(file.Weights);
        double measured = DecoderEvaluation.RepeatedHalfAccuracy(model, DecoderMetrics.HeldOut(model.Config));
        double reported = (double)file.Info["metrics"]!["repeatedHalfAccuracy"]!;
        Assert.Equal(reported, measured, 6);
        Assert.True(measured >= 0.95, $"{positions}: held-out accuracy {measured:P1} at its own length; section 7 needs a trained model");
        string report = File.ReadAllText(Path.Combine(RepositoryRoot(), "data", "short-context", positions.ToString().ToLowerInvariant(), "induction-decoder.md"));
        Assert.Contains($"**{measured.ToString("P1", CultureInfo.InvariantCulture)}**", report, StringComparison.Ordinal);
        Assert.Contains(file.Checksum, report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_names_the_command_that_trains_it()
    {
        string path = ShortContextDecoders.PathOf(PositionEncoding.Alibi);
        Assert.EndsWith(Path.Combine("short-context", "alibi", "induction-decoder.bin"), path, StringComparison.Ordinal);
        Assert.Contains("--steps 6000", ShortContextDecoders.Command(PositionEncoding.Alibi), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ShortContextDecoders.Command((PositionEncoding)7));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Course.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no Course.sln above the test's folder");
    }
}
