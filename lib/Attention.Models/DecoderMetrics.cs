using System.Text.Json.Nodes;

namespace Attention.Models;

/// <summary>
/// What the shipped decoder is held to, measured on held-out repeated sequences (<see cref="HeldOut"/>): repeated-half
/// accuracy, every head's previous-token and induction score, and the accuracy with each head mean-ablated.
/// </summary>
/// <param name="Accuracy">Repeated-half accuracy of the intact model.</param>
/// <param name="Heads">Every head's scores, layer by layer.</param>
/// <param name="Ablated">Repeated-half accuracy with head [layer, head] mean-ablated.</param>
public sealed record DecoderMetrics(double Accuracy, IReadOnlyList<HeadScore> Heads, double[,] Ablated)
{
    /// <summary>The held-out set: 256 sequences of Context tokens from a seed training never draws from.</summary>
    public static RepeatedBatch HeldOut(DecoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return RepeatedSequences.Sample(HeldOutSeed, 256, config.Context, config.Vocab);
    }

    /// <summary>The seed of <see cref="HeldOut"/> (training draws from the training seed + 1).</summary>
    public const int HeldOutSeed = 7;

    /// <summary>The layer-0 head with the highest previous-token score.</summary>
    public HeadScore PreviousTokenHead => Heads.Where(h => h.Layer == 0).MaxBy(h => h.PreviousToken)!;

    /// <summary>The layer-1 head with the highest induction score.</summary>
    public HeadScore InductionHead => Heads.Where(h => h.Layer == 1).MaxBy(h => h.Induction)!;

    /// <summary>One value per head as a [layers, heads] grid (for a heatmap).</summary>
    public float[,] Grid(Func<HeadScore, double> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var grid = new float[Ablated.GetLength(0), Ablated.GetLength(1)];
        foreach (var h in Heads)
        {
            grid[h.Layer, h.Head] = (float)value(h);
        }

        return grid;
    }

    /// <summary>Measures <paramref name="model"/> on <see cref="HeldOut"/>.</summary>
    public static DecoderMetrics Measure(AttentionOnlyDecoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Measure(model, model.Trace(HeldOut(model.Config).Tokens));
    }

    /// <summary>Measures <paramref name="model"/> from its unedited trace of <see cref="HeldOut"/>: one forward pass, and
    /// each ablation recomputed only from its own layer on.</summary>
    public static DecoderMetrics Measure(AttentionOnlyDecoder model, DecoderTrace heldOutTrace)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(heldOutTrace);
        RepeatedBatch heldOut = HeldOut(model.Config);
        if (heldOutTrace.Tokens.Length != heldOut.Tokens.Length || !heldOutTrace.Tokens.Zip(heldOut.Tokens).All(p => p.First.AsSpan().SequenceEqual(p.Second)))
        {
            throw new ArgumentException("heldOutTrace must be the model's trace of DecoderMetrics.HeldOut(config).Tokens.", nameof(heldOutTrace));
        }

        DecoderTrace trace = heldOutTrace;
        return new DecoderMetrics(
            DecoderEvaluation.RepeatedHalfAccuracy(heldOut, trace.Logits),
            DecoderEvaluation.HeadScores(trace),
            DecoderEvaluation.AblatedAccuracy(model, trace, heldOut));
    }

    /// <summary>The metrics as the weights file's header stores them.</summary>
    public JsonObject ToJson() => new()
    {
        ["heldOut"] = $"RepeatedSequences.Sample(seed {HeldOutSeed}, 256 sequences, Context tokens)",
        ["repeatedHalfAccuracy"] = Accuracy,
        ["heads"] = new JsonArray(Heads.Select(h => (JsonNode)new JsonObject
        {
            ["name"] = h.Name,
            ["previousToken"] = h.PreviousToken,
            ["induction"] = h.Induction,
            ["accuracyWhenAblated"] = Ablated[h.Layer, h.Head],
        }).ToArray()),
    };

    /// <summary>Reads metrics written by <see cref="ToJson"/>.</summary>
    public static DecoderMetrics FromJson(JsonObject json, DecoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(config);
        var heads = new List<HeadScore>();
        var ablated = new double[config.Layers, config.Heads];
        foreach (JsonNode? node in json["heads"]!.AsArray())
        {
            string name = (string)node!["name"]!;
            int layer = int.Parse(name[1..name.IndexOf('H')], System.Globalization.CultureInfo.InvariantCulture);
            int head = int.Parse(name[(name.IndexOf('H') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            heads.Add(new HeadScore(layer, head, (double)node["previousToken"]!, (double)node["induction"]!));
            ablated[layer, head] = (double)node["accuracyWhenAblated"]!;
        }

        return new DecoderMetrics((double)json["repeatedHalfAccuracy"]!, heads, ablated);
    }
}
