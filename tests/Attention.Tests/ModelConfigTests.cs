using Attention;

namespace Attention.Tests;

public class ModelConfigTests
{
    private const string Valid = """
        [{ "name": "Tiny", "layers": 2, "dModel": 8, "heads": 4, "kvHeads": 2, "headDim": 2, "context": 16, "window": null, "source": "test" }]
        """;

    [Fact]
    public void EmbeddedTableHasTheElevenModelsInOrder()
    {
        Assert.Equal(
            ["GPT-2 small", "Llama-2-7B", "Llama-2-70B", "Llama-3-8B", "Llama-3-70B", "Mistral-7B v0.1", "Mixtral-8x7B", "Falcon-7B", "Gemma-2B", "DeepSeek-V2", "DeepSeek-V3"],
            ModelConfigs.All.Select(m => m.Name));
    }

    [Fact]
    public void EmbeddedTableEqualsTheFileInTheRepository()
    {
        string path = Path.Combine(RepositoryRoot(), "data", "models.json");
        Assert.Equal(ModelConfigs.Load(path), ModelConfigs.All);
    }

    [Theory]
    [InlineData("GPT-2 small", 12, 768, 12, 12, 64, 1024, null, "MHA")]
    [InlineData("Llama-2-70B", 80, 8192, 64, 8, 128, 4096, null, "GQA")]
    [InlineData("Mistral-7B v0.1", 32, 4096, 32, 8, 128, 8192, 4096, "GQA")]
    [InlineData("Falcon-7B", 32, 4544, 71, 1, 64, 2048, null, "MQA")]
    [InlineData("Gemma-2B", 18, 2048, 8, 1, 256, 8192, null, "MQA")]
    public void RowsMatchTheCourseNotesTable(string name, int layers, int dModel, int heads, int kvHeads, int headDim, int context, int? window, string kind)
    {
        var m = ModelConfigs.Get(name);
        Assert.Equal((layers, dModel, heads, kvHeads, headDim, context, window), (m.Layers, m.DModel, m.Heads, m.KvHeads, m.HeadDim, m.Context, m.Window));
        Assert.Equal(kind, m.AttentionKind);
        Assert.False(string.IsNullOrWhiteSpace(m.Source));
    }

    [Fact]
    public void EveryTableModelWithoutALatentSplitsItsWidthIntoHeads()
    {
        // True of these nine (not of every model: Gemma-7B has 16 · 256 ≠ 3072), so it checks the data, not the loader.
        Assert.All(ModelConfigs.All.Where(m => m.Latent is null), m => Assert.Equal(m.DModel, m.Heads * m.HeadDim));
    }

    [Theory]
    [InlineData("DeepSeek-V2", 60, 5120, 128, 128, 131072)]
    [InlineData("DeepSeek-V3", 61, 7168, 128, 128, 131072)]
    public void DeepSeekRowsAreThePapersLatentAttention(string name, int layers, int dModel, int heads, int headDim, int context)
    {
        var m = ModelConfigs.Get(name);
        Assert.Equal((layers, dModel, heads, headDim, context), (m.Layers, m.DModel, m.Heads, m.HeadDim, m.Context));
        Assert.Equal(new LatentKv(512, 64), m.Latent);
        Assert.Equal("MLA", m.AttentionKind);

        // The papers' comparison: 576 cached values per token per layer against MHA's 2 · 128 · 128 = 32,768.
        Assert.Equal(576L * layers * 2, CostModel.KvCacheBytesPerToken(m, 2));
        Assert.Equal(32_768L * layers * 2, CostModel.KvCacheBytesPerToken(m with { Latent = null }, 2));
    }

    [Fact]
    public void ALatentEntryIsReadAndAMalformedOneIsNamed()
    {
        string json = Valid.Replace("\"source\": \"test\"", "\"source\": \"test\", \"latent\": { \"kvRank\": 16, \"ropeDim\": 4 }", StringComparison.Ordinal);
        Assert.Equal(new LatentKv(16, 4), ModelConfigs.Parse(json)[0].Latent);
        Assert.Null(ModelConfigs.Parse(Valid)[0].Latent);
        var ex = Assert.Throws<ArgumentException>(() => ModelConfigs.Parse(json.Replace("\"ropeDim\"", "\"rope\"", StringComparison.Ordinal)));
        Assert.Contains("kvRank and ropeDim", ex.Message);
    }

    [Fact]
    public void GetIgnoresCaseAndUnknownNamesListTheKnownOnes()
    {
        Assert.Equal("Llama-3-8B", ModelConfigs.Get("llama-3-8b").Name);
        var ex = Assert.Throws<ArgumentException>(() => ModelConfigs.Get("Llama-4"));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains("Llama-4", ex.Message);
        Assert.Contains("Gemma-2B", ex.Message);
        Assert.Contains("GPT-2 small", ex.Message);
    }

    [Fact]
    public void ParsesAValidEntry()
    {
        var m = Assert.Single(ModelConfigs.Parse(Valid));
        Assert.Equal(new ModelConfig("Tiny", 2, 8, 4, 2, 2, 16, null, "test"), m);
        Assert.Equal(2, m.GroupSize);
    }

    [Theory]
    [InlineData("\"kvHeads\": 2", "\"kvHeads\": 3", "kvHeads = 3 must divide heads = 4")]
    [InlineData("\"layers\": 2", "\"layers\": 0", "\"layers\" must be a positive integer")]
    [InlineData("\"headDim\": 2", "\"headDim\": -2", "\"headDim\" must be a positive integer")]
    [InlineData("\"dModel\": 8", "\"dModel\": 8.5", "\"dModel\" must be a positive integer")]
    [InlineData("\"heads\": 4, ", "", "missing field \"heads\"")]
    [InlineData("\"kvHeads\": 2", "\"kv_heads\": 2", "unknown field \"kv_heads\"")]
    [InlineData("\"window\": null", "\"window\": 32", "window = 32 is longer than context = 16")]
    [InlineData("\"source\": \"test\"", "\"source\": \"\"", "\"source\" must be a non-empty string")]
    public void BadEntriesNameTheModelAndTheField(string from, string to, string expected)
    {
        string json = Valid.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Valid, json);
        var ex = Assert.ThrowsAny<ArgumentException>(() => ModelConfigs.Parse(json, "my.json"));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("my.json entry 0", ex.Message);
        if (!expected.StartsWith("unknown", StringComparison.Ordinal))
        {
            Assert.Contains("(Tiny)", ex.Message);
        }
    }

    [Theory]
    [InlineData("{}", "must be a JSON array")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("[{", "not valid JSON")]
    public void BadDocumentsAreRejected(string json, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => ModelConfigs.Parse(json));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        string json = "[" + Valid.Trim()[1..^1] + "," + Valid.Trim()[1..^1] + "]";
        var ex = Assert.Throws<ArgumentException>(() => ModelConfigs.Parse(json));
        Assert.Contains("duplicate model name \"Tiny\"", ex.Message);
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

        throw new InvalidOperationException("Course.sln not found above the test binaries.");
    }
}
