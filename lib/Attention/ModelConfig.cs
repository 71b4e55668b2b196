using System.Text.Json;

namespace Attention;

/// <summary>
/// The attention-relevant sizes of one published decoder model: what the KV cache and the attention cost depend on.
/// </summary>
/// <param name="Name">The model's name, e.g. "Llama-2-70B".</param>
/// <param name="Layers">Decoder layers L; each keeps its own K and V cache.</param>
/// <param name="DModel">Residual width d_model (the projections map d_model → heads · headDim).</param>
/// <param name="Heads">Query heads Hq.</param>
/// <param name="KvHeads">Key/value heads H (H = Hq: MHA; 1 &lt; H &lt; Hq: GQA; H = 1: MQA). Divides <paramref name="Heads"/>.</param>
/// <param name="HeadDim">Head dimension d of queries, keys and values.</param>
/// <param name="Context">Trained context length in tokens.</param>
/// <param name="Window">Sliding-window size W in keys (the cache keeps only the last W tokens), or null for full attention.</param>
/// <param name="Source">Where the numbers come from.</param>
/// <param name="Latent">Multi-head latent attention's cache sizes (DeepSeek-V2/V3), or null when the cache keeps K and V per KV head.</param>
public sealed record ModelConfig(
    string Name, int Layers, int DModel, int Heads, int KvHeads, int HeadDim, int Context, int? Window, string Source, LatentKv? Latent = null)
{
    /// <summary>Query heads per KV head, Hq / H.</summary>
    public int GroupSize => Heads / KvHeads;

    /// <summary>"MLA" for a latent cache, else "MHA", "GQA" or "MQA" from the ratio of query heads to KV heads.</summary>
    public string AttentionKind => Latent is not null ? "MLA" : KvHeads == Heads ? "MHA" : KvHeads == 1 ? "MQA" : "GQA";
}

/// <summary>What a multi-head latent attention layer caches per token: the KV latent and the decoupled RoPE key.</summary>
/// <param name="KvRank">d_c, the width of the latent c = x W_DKV (512 in DeepSeek-V2/V3).</param>
/// <param name="RopeDim">d_R, the width of the RoPE key shared by all heads (64 in DeepSeek-V2/V3).</param>
public sealed record LatentKv(int KvRank, int RopeDim)
{
    /// <summary>Values cached per token per layer, d_c + d_R.</summary>
    public int ValuesPerToken => KvRank + RopeDim;
}

/// <summary>
/// The model table of section 6 (data/models.json, embedded in the library so it loads from any directory).
/// </summary>
public static class ModelConfigs
{
    private const string ResourceName = "Attention.models.json";

    private static readonly string[] Fields =
        ["name", "layers", "dModel", "heads", "kvHeads", "headDim", "context", "window", "source", "latent"];

    private static readonly Lazy<IReadOnlyList<ModelConfig>> Embedded = new(LoadEmbedded);

    /// <summary>Every model of the table, in table order.</summary>
    public static IReadOnlyList<ModelConfig> All => Embedded.Value;

    /// <summary>The model called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such model; the message lists the known names.</exception>
    public static ModelConfig Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"No model named \"{name}\". Known models: {string.Join(", ", All.Select(m => m.Name))}.", nameof(name));
    }

    /// <summary>Reads and validates a models.json file: a JSON array of objects with the fields of <see cref="ModelConfig"/> in camelCase.</summary>
    /// <exception cref="ArgumentException">Unreadable JSON, or an entry with a missing, unknown or invalid field (named in the message).</exception>
    public static IReadOnlyList<ModelConfig> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates models.json text; <paramref name="origin"/> names the source in error messages.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Load"/>.</exception>
    public static IReadOnlyList<ModelConfig> Parse(string json, string origin = "models.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{origin} is not valid JSON: {e.Message}", nameof(json), e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ArgumentException($"{origin} must be a JSON array of models; got {document.RootElement.ValueKind}.", nameof(json));
            }

            var models = new List<ModelConfig>();
            int index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                var model = Read(entry, $"{origin} entry {index}");
                if (models.Any(m => string.Equals(m.Name, model.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new ArgumentException($"{origin} entry {index}: duplicate model name \"{model.Name}\".", nameof(json));
                }

                models.Add(model);
                index++;
            }

            return models.AsReadOnly();
        }
    }

    private static IReadOnlyList<ModelConfig> LoadEmbedded()
    {
        using var stream = typeof(ModelConfigs).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The library was built without its embedded {ResourceName}.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "embedded models.json");
    }

    private static ModelConfig Read(JsonElement entry, string where)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"{where} must be a JSON object; got {entry.ValueKind}.", "json");
        }

        foreach (var property in entry.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
            {
                throw new ArgumentException(
                    $"{where}: unknown field \"{property.Name}\"; expected {string.Join(", ", Fields)}.", "json");
            }
        }

        string name = String(entry, "name", where);
        where = $"{where} ({name})";
        int layers = Positive(entry, "layers", where);
        int dModel = Positive(entry, "dModel", where);
        int heads = Positive(entry, "heads", where);
        int kvHeads = Positive(entry, "kvHeads", where);
        int headDim = Positive(entry, "headDim", where);
        int context = Positive(entry, "context", where);
        int? window = Field(entry, "window", where).ValueKind == JsonValueKind.Null ? null : Positive(entry, "window", where);
        string source = String(entry, "source", where);

        if (heads % kvHeads != 0)
        {
            throw new ArgumentException($"{where}: kvHeads = {kvHeads} must divide heads = {heads} (each KV head serves a whole group of query heads).", "json");
        }

        if (window > context)
        {
            throw new ArgumentException($"{where}: window = {window} is longer than context = {context}.", "json");
        }

        LatentKv? latent = null;
        if (entry.TryGetProperty("latent", out var latentEntry) && latentEntry.ValueKind != JsonValueKind.Null)
        {
            string at = $"{where} latent";
            if (latentEntry.ValueKind != JsonValueKind.Object || latentEntry.EnumerateObject().Any(p => p.Name is not ("kvRank" or "ropeDim")))
            {
                throw new ArgumentException($"{at} must be an object with exactly kvRank and ropeDim; got {latentEntry.GetRawText()}.", "json");
            }

            latent = new LatentKv(Positive(latentEntry, "kvRank", at), Positive(latentEntry, "ropeDim", at));
        }

        return new ModelConfig(name, layers, dModel, heads, kvHeads, headDim, context, window, source, latent);
    }

    private static JsonElement Field(JsonElement entry, string field, string where) =>
        entry.TryGetProperty(field, out var value)
            ? value
            : throw new ArgumentException($"{where}: missing field \"{field}\".", "json");

    private static string String(JsonElement entry, string field, string where)
    {
        var value = Field(entry, field, where);
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new ArgumentException($"{where}: field \"{field}\" must be a non-empty string; got {value.GetRawText()}.", "json");
        }

        return value.GetString()!;
    }

    private static int Positive(JsonElement entry, string field, string where)
    {
        var value = Field(entry, field, where);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number <= 0)
        {
            throw new ArgumentException($"{where}: field \"{field}\" must be a positive integer; got {value.GetRawText()}.", "json");
        }

        return number;
    }
}
