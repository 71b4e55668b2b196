using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Attention;

namespace Course.Grading;

/// <summary>
/// Expected outputs of practice cases kept as data: for an exercise whose answer nothing shipped computes, the notebook's
/// practice cases compare against outputs the reference answer produced on the instructor's side. The data shows what the
/// answer is on those inputs, never how it is computed. Keys are "exercise id|case name|call index".
/// </summary>
public static class StoredAnswers
{
    /// <summary>The key of call <paramref name="call"/> of case <paramref name="caseName"/> of exercise <paramref name="exerciseId"/>.</summary>
    public static string Key(string exerciseId, string caseName, int call = 0) => $"{exerciseId}|{caseName}|{call}";

    /// <summary>Writes answers (Tensor, double, long, int, double[], long[], int[]) as JSON, one per line, keys in order.</summary>
    public static string Serialize(IReadOnlyDictionary<string, object> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var root = new JsonObject();
        foreach (var (key, value) in answers.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            root[key] = value switch
            {
                Tensor t => new JsonObject { ["shape"] = Array(t.Shape), ["tensor"] = new JsonArray([.. t.Data.Select(Number)]) },
                double d => new JsonObject { ["double"] = Number(d) },
                long l => new JsonObject { ["long"] = l },
                int i => new JsonObject { ["int"] = i },
                double[] a => new JsonObject { ["doubles"] = new JsonArray([.. a.Select(Number)]) },
                long[] a => new JsonObject { ["longs"] = Array(a) },
                int[] a => new JsonObject { ["ints"] = Array(a) },
                _ => throw new ArgumentException($"answer '{key}' is a {value?.GetType().Name ?? "null"}; stored answers are tensors, numbers or arrays of numbers.", nameof(answers)),
            };
        }

        // One answer per line: a diff of the file shows which answers changed.
        return "{\n" + string.Join(",\n", root.Select(a => $"  {JsonValue.Create(a.Key).ToJsonString()}: {a.Value!.ToJsonString()}")) + "\n}\n";
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote.</summary>
    public static Dictionary<string, object> Parse(string json)
    {
        var answers = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, node) in JsonNode.Parse(json)!.AsObject())
        {
            JsonObject o = node!.AsObject();
            answers[key] = o.First().Key switch
            {
                "shape" => new Tensor(o["tensor"]!.AsArray().Select(v => (float)ReadNumber(v!)).ToArray(), [.. o["shape"]!.AsArray().Select(v => v!.GetValue<int>())]),
                "double" => ReadNumber(o["double"]!),
                "long" => o["long"]!.GetValue<long>(),
                "int" => o["int"]!.GetValue<int>(),
                "doubles" => o["doubles"]!.AsArray().Select(v => ReadNumber(v!)).ToArray(),
                "longs" => o["longs"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray(),
                "ints" => o["ints"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray(),
                var kind => throw new InvalidDataException($"stored answer '{key}' has unknown kind '{kind}'."),
            };
        }

        return answers;
    }

    private static JsonArray Array<T>(IEnumerable<T> values) => new([.. values.Select(v => JsonValue.Create(v))]);

    // JSON has no infinities or NaN: they are written as strings.
    private static JsonNode Number(float f) => float.IsFinite(f) ? JsonValue.Create(f) : JsonValue.Create(f.ToString(CultureInfo.InvariantCulture));

    private static JsonNode Number(double d) => double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture));

    private static double ReadNumber(JsonNode node) => node.GetValueKind() == JsonValueKind.String
        ? double.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)
        : node.GetValue<double>();
}
