using System.Diagnostics;
using Attention.Models;
using Attention.Training;

var options = TrainingOptions.Shipped;
for (int i = 0; i < args.Length; i++)
{
    options = args[i] switch
    {
        "--steps" => options with { Steps = int.Parse(args[++i]) },
        "--lr" => options with { LearningRate = double.Parse(args[++i]) },
        "--batch" => options with { BatchSize = int.Parse(args[++i]) },
        "--seed" => options with { Seed = int.Parse(args[++i]) },
        _ => throw new ArgumentException($"unknown argument {args[i]}"),
    };
}

var clock = Stopwatch.StartNew();
var (weights, curve) = DecoderTraining.Train(options, p =>
{
    if (p.Step % 25 == 0 || !double.IsNaN(p.HeldOutAccuracy))
    {
        Console.WriteLine($"step {p.Step,5}  loss {p.Loss:F4}  repeat {p.RepeatLoss:F4}  acc {p.HeldOutAccuracy:F3}  {clock.Elapsed.TotalSeconds:F1}s");
    }
});
var model = new AttentionOnlyDecoder(weights);
var held = RepeatedSequences.Sample(TrainingOptions.HeldOutSeed, 64, options.Config.Context / 2, options.Config.Vocab);
foreach (var s in DecoderEvaluation.HeadScores(model, held))
{
    Console.WriteLine($"{s.Name} prev {s.PreviousToken:F3} ind {s.Induction:F3}");
}

var ab = DecoderEvaluation.AblatedAccuracy(model, held);
for (int l = 0; l < ab.GetLength(0); l++)
{
    for (int h = 0; h < ab.GetLength(1); h++)
    {
        Console.WriteLine($"ablate L{l}H{h}: {ab[l, h]:F3}");
    }
}
