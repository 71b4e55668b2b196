using Attention.Models;

namespace Attention.Models.Tests;

/// <summary>The head statistics and ablation on the real model, over a subset of the course's sentences (the full table: data/minilm-heads.md).</summary>
[Collection("minilm")]
public class HeadFindingsTests(MiniLmFixture fixture)
{
    private static string Data(string file)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "data", file)))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return Path.Combine(dir ?? throw new FileNotFoundException($"data/{file} not found above {AppContext.BaseDirectory}"), "data", file);
    }

    [Fact]
    public void The_head_table_finds_a_previous_token_head_a_next_token_head_and_sinks()
    {
        string[] sentences = HeadFindings.ReadSentences(Data("sentences.txt"));
        Assert.True(sentences.Length >= 100, $"data/sentences.txt has {sentences.Length} sentences");
        IReadOnlyList<HeadStatistics> stats = HeadFindings.Measure(fixture.Model, [.. sentences.Where((_, k) => k % 5 == 0)]);

        Assert.Equal(6 * 12, stats.Count);
        Assert.All(stats, s =>
        {
            foreach (double w in new[] { s.PreviousToken, s.NextToken, s.Self, s.ClsMass, s.SepMass })
            {
                Assert.InRange(w, 0, 1 + 1e-6);
            }

            Assert.True(s.Entropy >= 0 && s.MeanDistance >= 0);
        });
        HeadStatistics previous = stats.Single(s => s.Layer == 0 && s.Head == 2);
        Assert.True(previous.PreviousToken > 0.9 && previous.Label == "previous-token", $"layer 0 head 2: {previous}");
        Assert.Contains(stats, s => s.Label == "next-token");
        Assert.True(stats.Count(s => s.Label == "[CLS] sink") >= 10, "[CLS] sinks: " + stats.Count(s => s.Label == "[CLS] sink"));
    }

    [Fact]
    public void Ablation_changes_the_embeddings_only_through_the_ablated_head()
    {
        HeadAblation.Pair[] pairs = HeadAblation.ReadPairs(Data("sentence-pairs.txt"));
        Assert.Contains(pairs, p => p.Same);
        Assert.Contains(pairs, p => !p.Same);
        HeadAblation.Pair[] few = [.. pairs.Where((_, k) => k % 4 == 0)];
        var (baseline, effects) = HeadAblation.Measure(fixture.Model, few, [(0, 2), (5, 0)]);

        Assert.True(baseline > 0, $"same-meaning pairs should be more similar than different ones: separation {baseline:F3}");
        Assert.All(effects, e => Assert.True(e.EmbeddingShift > 0 && e.PairSimilarityChange > 0, e.ToString()));

        // An edit that returns the head outputs unchanged is the unablated model, exactly.
        int[][] ids = [.. few.Select(p => fixture.Model.Tokenize(p.First))];
        Tensor plain = fixture.Model.Encoder.Forward(ids).LastHiddenState;
        Tensor identity = fixture.Model.Encoder.Forward(ids, (_, H) => H).LastHiddenState;
        Assert.Equal(plain.Data, identity.Data);
    }
}
