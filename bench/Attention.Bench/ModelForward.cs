using System.Diagnostics;
using Attention.Models;
using MathNet.Numerics.LinearAlgebra;

namespace Attention.Bench;

/// <summary>
/// The course's BERT forward (all-MiniLM-L6-v2, lib/Attention.Models) on one 512-token input, against the matrix products
/// it makes done the way the course did them before lib/Attention/Gemm.cs: MathNet's managed product. The forward then
/// was those products plus everything else, so products-through-MathNet ÷ forward-now is a lower bound of the speedup.
/// </summary>
public static class ModelForward
{
    /// <summary>Tokens in the measured input: the model's whole position table.</summary>
    public const int Tokens = 512;

    /// <summary>(best forward ms, best MathNet-products ms, GFLOP of the forward's products, MiB one forward allocates).</summary>
    public static (double ForwardMs, double MathNetMs, double ProductGflop, double AllocatedMiB) Measure(int runs = 7)
    {
        var model = MiniLm.Load();
        var sentences = HeadFindings.ReadSentences(Path.Combine(DataFolder(), "sentences.txt"));
        int[] stream = [.. sentences.SelectMany(s => model.Tokenize(s)[1..^1])];
        int[] ids = [model.Tokenize("a")[0], .. stream.Take(Tokens - 2), model.Tokenize("a")[^1]];
        double forward = Best(runs, () => model.Encoder.Forward([ids]));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        model.Encoder.Forward([ids]);
        double allocatedMiB = (GC.GetTotalAllocatedBytes(precise: true) - before) / (1024.0 * 1024);

        // The same products, layer by layer: Q, K, V and O ([512, 384] · [384, 384]), then the MLP's two.
        var random = new Random(1);
        Matrix<float> Dense(int rows, int cols) => Matrix<float>.Build.Dense(rows, cols, (_, _) => (float)random.NextDouble());
        int d = model.Encoder.Layers[0].W1.Dim(0), hidden = model.Encoder.Layers[0].W1.Dim(1);
        var (x, h, wSquare, w1, w2) = (Dense(d, Tokens), Dense(hidden, Tokens), Dense(d, d), Dense(hidden, d), Dense(d, hidden));
        double mathNet = Best(runs, () =>
        {
            for (int layer = 0; layer < model.Encoder.Layers.Count; layer++)
            {
                for (int k = 0; k < 4; k++)
                {
                    _ = wSquare * x;
                }

                _ = w1 * x;
                _ = w2 * h;
            }

            return 0;
        });
        double gflop = model.Encoder.Layers.Count * 2.0 * Tokens * ((4.0 * d * d) + (2.0 * d * hidden)) / 1e9;
        return (forward, mathNet, gflop, allocatedMiB);
    }

    private static double Best(int runs, Func<object> call)
    {
        call();
        double best = double.MaxValue;
        for (int r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            call();
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }

        return best;
    }

    // data/ of the repository: the benchmark runs from the repository root or below it.
    private static string DataFolder()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "data", "sentences.txt")))
            {
                return Path.Combine(dir.FullName, "data");
            }
        }

        throw new DirectoryNotFoundException("data/sentences.txt not found above the working directory: run the benchmark from the repository.");
    }
}
