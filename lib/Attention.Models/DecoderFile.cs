using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attention.Models;

/// <summary>A decoder read from its file, with the notes the training program wrote beside the weights.</summary>
/// <param name="Weights">The parameters.</param>
/// <param name="Info">The header's <c>training</c> and <c>metrics</c> objects (how it was trained, what it measured).</param>
/// <param name="Checksum">SHA-256 of the payload, lower-case hex.</param>
public sealed record DecoderFileContents(DecoderWeights Weights, JsonObject Info, string Checksum);

/// <summary>
/// The decoder's weights file, small and self-describing:
/// <code>
/// bytes 0..7    "ATTNDEC1"                        magic and format version
/// bytes 8..11   H, int32 little-endian            length of the header
/// next H bytes  UTF-8 JSON header                 { "config": {…}, "tensors": [{"name", "shape"}…],
///                                                   "payloadSha256": "…", "training": {…}, "metrics": {…} }
/// the rest      float32 little-endian             every tensor of "tensors", in order, row-major
/// </code>
/// Tensor order and names are <see cref="DecoderWeights.Parameters"/>. Reading checks the magic, the header, every
/// name and shape against the config, the payload length and the checksum, and names the file and the command that
/// rebuilds it when anything is off.
/// </summary>
public static class DecoderFile
{
    /// <summary>The shipped model's file name (in <c>data/</c>; the build copies it to <c>models/</c> beside this assembly).</summary>
    public const string ShippedName = "induction-decoder.bin";

    /// <summary>The command that trains the shipped model again and writes <c>data/induction-decoder.bin</c>.</summary>
    public const string RebuildCommand = "dotnet run --project tools/TrainDecoder -c Release";

    private static readonly byte[] Magic = "ATTNDEC1"u8.ToArray();

    /// <summary>Where the shipped model is read from: models/induction-decoder.bin beside this assembly.</summary>
    public static string ShippedPath =>
        Path.Combine(Path.GetDirectoryName(typeof(DecoderFile).Assembly.Location) ?? AppContext.BaseDirectory, "models", ShippedName);

    /// <summary>The trained decoder the course ships (data/induction-decoder.bin).</summary>
    public static AttentionOnlyDecoder LoadShipped() => new(Read(ShippedPath).Weights);

    /// <summary>Writes <paramref name="weights"/> and <paramref name="info"/> (copied into the header) to <paramref name="path"/>.</summary>
    public static string Write(string path, DecoderWeights weights, JsonObject? info = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        byte[] payload = Payload(weights);
        string checksum = Convert.ToHexStringLower(SHA256.HashData(payload));
        var c = weights.Config;
        var header = new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["vocab"] = c.Vocab,
                ["dModel"] = c.DModel,
                ["heads"] = c.Heads,
                ["layers"] = c.Layers,
                ["context"] = c.Context,
                ["positions"] = c.Positions.ToString(),
                ["ropeTheta"] = c.RopeTheta,
                ["ropeLayout"] = AttentionOnlyDecoder.Layout.ToString(),
            },
            ["tensors"] = new JsonArray(weights.Parameters()
                .Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["shape"] = new JsonArray(p.Value.Shape.Select(s => (JsonNode)s).ToArray()) })
                .ToArray()),
            ["payloadSha256"] = checksum,
        };
        foreach (var (key, value) in info ?? [])
        {
            header[key] = value?.DeepClone();
        }

        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        using var file = File.Create(path);
        file.Write(Magic);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, json.Length);
        file.Write(length);
        file.Write(json);
        file.Write(payload);
        return checksum;
    }

    /// <summary>Reads and checks a weights file.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/> (the message names the rebuild command).</exception>
    /// <exception cref="InvalidDataException">The file is truncated, altered or not a decoder file (the message says which and names the command).</exception>
    public static DecoderFileContents Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The trained decoder's weights are missing: no file at {path}. It is built from data/{ShippedName}; " +
                $"run `{RebuildCommand}` from the repository root to train it again (a few minutes), then rebuild lib/Attention.Models.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw Corrupt(path, "it does not start with the ATTNDEC1 header");
        }

        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8, 4));
        if (headerLength <= 0 || headerLength > bytes.Length - 12)
        {
            throw Corrupt(path, $"its header length {headerLength} does not fit in its {bytes.Length} bytes");
        }

        JsonObject header;
        DecoderConfig config;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(12, headerLength)) as JsonObject ?? throw new InvalidDataException("the header is not a JSON object");
            var c = header["config"] as JsonObject ?? throw new InvalidDataException("the header has no config object");
            JsonNode Field(string name) => c[name] ?? throw new InvalidDataException($"config.{name} is missing");
            config = new DecoderConfig(
                (int)Field("vocab"), (int)Field("dModel"), (int)Field("heads"), (int)Field("layers"), (int)Field("context"),
                Enum.Parse<PositionEncoding>((string)Field("positions")!), (double)Field("ropeTheta"));
            config.Validate();
            if ((string?)c["ropeLayout"] != AttentionOnlyDecoder.Layout.ToString())
            {
                throw new InvalidDataException($"ropeLayout is {(string?)c["ropeLayout"]}, not {AttentionOnlyDecoder.Layout}");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or InvalidDataException or FormatException)
        {
            throw Corrupt(path, $"its header cannot be read ({e.Message})", e);
        }

        DecoderWeights weights = DecoderWeights.Zeros(config);
        var expected = weights.Parameters();
        var listed = header["tensors"] as JsonArray;
        if (listed is null || listed.Count != expected.Count)
        {
            throw Corrupt(path, $"its header lists {listed?.Count ?? 0} tensors where the config needs {expected.Count}");
        }

        for (int i = 0; i < expected.Count; i++)
        {
            string? name = (string?)listed[i]?["name"];
            string shape = listed[i]?["shape"]?.ToJsonString() ?? "?";
            string want = "[" + string.Join(",", expected[i].Value.Shape) + "]";
            if (name != expected[i].Name || shape != want)
            {
                throw Corrupt(path, $"tensor {i} is {name} {shape}; the config needs {expected[i].Name} {want}");
            }
        }

        int start = 12 + headerLength;
        long floats = weights.Count;
        if (bytes.Length - start != floats * 4)
        {
            throw Corrupt(path, $"its payload has {bytes.Length - start} bytes where {floats} float32 values need {floats * 4}");
        }

        string checksum = Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(start)));
        if (checksum != (string?)header["payloadSha256"])
        {
            throw Corrupt(path, $"its payload's SHA-256 is {checksum}, not the {(string?)header["payloadSha256"]} its header records");
        }

        int offset = start;
        foreach (var (_, tensor) in expected)
        {
            for (int k = 0; k < tensor.Length; k++, offset += 4)
            {
                tensor.Data[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset, 4));
            }
        }

        var info = new JsonObject();
        foreach (var (key, value) in header)
        {
            if (key is not ("config" or "tensors" or "payloadSha256"))
            {
                info[key] = value?.DeepClone();
            }
        }

        return new DecoderFileContents(weights, info, checksum);
    }

    /// <summary>SHA-256 (lower-case hex) of the weights as the file stores them: equal checksums, equal weights.</summary>
    public static string Checksum(DecoderWeights weights) => Convert.ToHexStringLower(SHA256.HashData(Payload(weights)));

    private static byte[] Payload(DecoderWeights weights)
    {
        var parameters = weights.Parameters();
        var payload = new byte[checked((int)weights.Count * 4)];
        int offset = 0;
        foreach (var (_, tensor) in parameters)
        {
            foreach (float v in tensor.Data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(offset, 4), v);
                offset += 4;
            }
        }

        return payload;
    }

    private static InvalidDataException Corrupt(string path, string why, Exception? inner = null) =>
        new($"The decoder weights file {path} is damaged: {why}. Restore data/{ShippedName} from git, or run `{RebuildCommand}` to train it again.", inner);
}
