// Trains the course's attention-only decoder and writes, into data/ (or --out DIR):
//   induction-decoder.bin        the weights (format: lib/Attention.Models/DecoderFile.cs), with the options and metrics in its header
//   induction-decoder-curve.csv  the training curve
//   induction-decoder.md         the metrics as a table
// It then says whether it reproduced the weights that were there before, bit for bit.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Attention.Models;
using Attention.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = TrainingOptions.Shipped;
string? output = null;
if (args.Length % 2 != 0)
{
    Fail(args[^1]);
}

for (int i = 0; i < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--steps": options = options with { Steps = int.Parse(args[i + 1]) }; break;
        case "--seed": options = options with { Seed = int.Parse(args[i + 1]) }; break;
        case "--context": options = options with { Config = options.Config with { Context = int.Parse(args[i + 1]) } }; break;
        case "--positions": options = options with { Config = options.Config with { Positions = Enum.Parse<PositionEncoding>(args[i + 1], ignoreCase: true) } }; break;
        case "--min-segment": options = options with { MinSegment = int.Parse(args[i + 1]) }; break;
        case "--cycled": options = options with { CycledShare = double.Parse(args[i + 1]) }; break;
        case "--batch": options = options with { BatchSize = int.Parse(args[i + 1]) }; break;
        case "--lr": options = options with { LearningRate = double.Parse(args[i + 1]) }; break;
        case "--out": output = Path.GetFullPath(args[i + 1]); break;
        default: Fail(args[i]); break;
    }
}

string command = args.Length == 0 ? DecoderFile.RebuildCommand : $"{DecoderFile.RebuildCommand} -- {string.Join(' ', args)}";
output ??= FindData();
Directory.CreateDirectory(output);
string weightsPath = Path.Combine(output, DecoderFile.ShippedName);
string? previous = File.Exists(weightsPath) ? DecoderFile.Read(weightsPath).Checksum : null;

Console.WriteLine($"Training {options.Config} for {options.Steps} steps of {options.BatchSize} sequences on {Environment.ProcessorCount} cores");
var clock = Stopwatch.StartNew();
var (weights, curve) = DecoderTraining.Train(options, p =>
{
    if (!double.IsNaN(p.HeldOutAccuracy))
    {
        Console.WriteLine($"step {p.Step,5}  loss {p.Loss:F4}  repeat loss {p.RepeatLoss:F4}  held-out accuracy {p.HeldOutAccuracy:F3}  {clock.Elapsed.TotalSeconds,6:F1} s");
    }
});
double seconds = clock.Elapsed.TotalSeconds;
var model = new AttentionOnlyDecoder(weights);
var metrics = DecoderMetrics.Measure(model);

var info = new JsonObject
{
    ["training"] = new JsonObject
    {
        ["command"] = command,
        ["steps"] = options.Steps,
        ["batchSize"] = options.BatchSize,
        ["learningRate"] = options.LearningRate,
        ["warmupSteps"] = options.WarmupSteps,
        ["clipNorm"] = options.ClipNorm,
        ["seed"] = options.Seed,
        ["chunkSize"] = options.ChunkSize,
        ["optimizer"] = "Adam (β₁ 0.9, β₂ 0.999, ε 1e-8), linear warm-up then cosine to a tenth",
        ["data"] = $"per batch {options.CycledShare:P0} RepeatedSequences.Cycled (a segment repeated to the end), the rest RepeatedSequences.Sample (noise, a segment of {options.MinSegment} .. Context/2 distinct tokens, its repeat)",
        ["cycledShare"] = options.CycledShare,
        ["minSegment"] = options.MinSegment,
        ["seconds"] = Math.Round(seconds, 1),
        ["cores"] = Environment.ProcessorCount,
    },
    ["metrics"] = metrics.ToJson(),
};
string checksum = DecoderFile.Write(weightsPath, weights, info);

var csv = new StringBuilder("step,loss,repeat_loss,held_out_accuracy\n");
foreach (var p in curve)
{
    csv.AppendLine($"{p.Step},{p.Loss:R},{p.RepeatLoss:R},{(double.IsNaN(p.HeldOutAccuracy) ? "" : p.HeldOutAccuracy.ToString("R"))}");
}

File.WriteAllText(Path.Combine(output, "induction-decoder-curve.csv"), csv.ToString());

var md = new StringBuilder();
md.AppendLine("# The course's trained decoder: measured");
md.AppendLine();
md.AppendLine($"Written by `{command}` ({options.Steps} steps in {seconds:F0} s on {Environment.ProcessorCount} cores). Weights: `{RepositoryPath(weightsPath)}`, SHA-256 of the payload `{checksum}`.");
md.AppendLine($"Model: {options.Config.Layers} attention-only layers, d_model {options.Config.DModel}, {options.Config.Heads} heads of {options.Config.HeadDim}, vocabulary {options.Config.Vocab}, {options.Config.Positions} positions, context {options.Config.Context}; {weights.Count:N0} parameters.");
md.AppendLine();
md.AppendLine($"Held-out repeated-half accuracy: **{metrics.Accuracy:P1}** (chance {1.0 / options.Config.Vocab:P1}), on 256 held-out sequences.");
md.AppendLine();
md.AppendLine("| head | previous-token score | induction score | accuracy when mean-ablated |");
md.AppendLine("|---|---|---|---|");
foreach (var h in metrics.Heads)
{
    md.AppendLine($"| {h.Name} | {h.PreviousToken:F3} | {h.Induction:F3} | {metrics.Ablated[h.Layer, h.Head]:P1} |");
}

md.AppendLine();
md.AppendLine($"Previous-token head: {metrics.PreviousTokenHead.Name}; induction head: {metrics.InductionHead.Name}.");
File.WriteAllText(Path.Combine(output, "induction-decoder.md"), md.ToString());

Console.WriteLine(md.ToString());
Console.WriteLine($"Wrote {weightsPath} ({weights.Count:N0} parameters, SHA-256 {checksum}) in {seconds:F1} s of training.");
Console.WriteLine(previous is null
    ? "No earlier weights file to compare with."
    : previous == checksum
        ? "Reproduced the earlier weights bit for bit (same SHA-256)."
        : $"The earlier weights had SHA-256 {previous}: this run differs from them.");

static void Fail(string argument) =>
    throw new ArgumentException(
        $"unexpected argument {argument}; use --steps N, --seed S, --lr RATE, --batch B, --cycled SHARE, --min-segment T, --positions learned|rope|alibi, --context N, --out DIR (each with a value)");

static string RepositoryPath(string path)
{
    string data = FindData();
    return Path.GetRelativePath(Path.GetDirectoryName(data)!, path).Replace('\\', '/');
}

static string FindData()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Course.sln")))
        {
            return Path.Combine(dir.FullName, "data");
        }
    }

    throw new InvalidOperationException("Run from inside the course repository (no Course.sln above the current folder), or pass --out DIR.");
}
