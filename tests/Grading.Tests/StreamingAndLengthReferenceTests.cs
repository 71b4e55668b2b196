using Attention;
using Course.Solutions;

namespace Grading.Tests;

/// <summary>
/// Independent checks of the reference answers of 7.2 and 7.3: a simulation through the course's streaming cache, closed
/// forms, a brute force over angles and a scan of the library's ALiBi bias.
/// </summary>
public class StreamingAndLengthReferenceTests
{
    [Theory]
    [InlineData(40, 8, 0, 8)]
    [InlineData(40, 8, 0, 7)]
    [InlineData(60, 10, 4, 8)]
    [InlineData(30, 6, 2, 1)]
    [InlineData(50, 5, 0, 1)]
    [InlineData(45, 7, 3, 5)]
    [InlineData(3, 4, 1, 2)]
    public void PredictablePositionsAreWhatAStreamedCacheRemembers(int length, int period, int sinks, int window)
    {
        // Stream text positions through the course's cache; each key remembers the token before it if that was held when
        // it arrived. Position p is predictable when a held key remembers token p.
        var cache = new StreamingKvCache(1, 1, 1, 1, sinks, window);
        var remembers = new Dictionary<int, int?>();
        var predictable = new List<int>();
        for (int p = 0; p < length; p++)
        {
            cache.Append(new Tensor([p], 1, 1, 1, 1), new Tensor(1, 1, 1, 1));
            int[] held = cache.SourcePositions;
            remembers[p] = held.Contains(p - 1) ? (p - 1) % period : null;
            if (p + 1 < length && held.Any(j => remembers[j] == p % period))
            {
                predictable.Add(p);
            }
        }

        Assert.Equal(predictable.ToArray(), (int[])Reference("7.2a").DynamicInvoke(length, period, sinks, window)!);
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(5, 2, 8)]
    [InlineData(100, 4, 4)]
    [InlineData(1000, 3, 17)]
    [InlineData(2_000_000, 4, 4092)]
    public void StreamingDotProductsMatchClosedForms(int length, int sinks, int window)
    {
        long N = length;
        long Triangle(long n) => n * (n + 1) / 2;
        long Capped(long budget) => N <= budget ? Triangle(N) : Triangle(budget) + ((N - budget) * budget);
        long M = Math.Min(N, window);
        long recomputed = (M * (M + 1) * (M + 2) / 6) + (Math.Max(0, N - window) * Triangle(window));
        long[] expected = [Triangle(N), Capped(window), recomputed, Capped(sinks + (long)window)];
        Assert.Equal(expected, (long[])Reference("7.2b").DynamicInvoke(length, sinks, window)!);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void UnseenPairsAreThoseWhoseAnglesLeaveTheTrainedArc(int seed)
    {
        // Brute force: every distance of the target length, its angle taken modulo a full turn, against the arc training
        // covered. The used frequencies stay below 1 radian per token, too slow to jump over the uncovered arc.
        var r = new Random(seed);
        int pairs = r.Next(2, 12), context = r.Next(2, 200), target = r.Next(1, 800);
        double[] trained = [.. Enumerable.Range(0, pairs).Select(_ => Math.Exp(-6 * r.NextDouble()))];
        double[] used = [.. trained.Select(t => t * (0.2 + r.NextDouble()))];
        var expected = new List<int>();
        for (int i = 0; i < pairs; i++)
        {
            double arc = (context - 1) * trained[i];
            bool unseen = arc < 2 * Math.PI && Enumerable.Range(0, target).Any(d => (d * used[i]) % (2 * Math.PI) > arc);
            if (unseen)
            {
                expected.Add(i);
            }
        }

        Assert.Equal(expected.ToArray(), (int[])Reference("7.3a").DynamicInvoke(trained, used, context, target)!);
    }

    [Theory]
    [InlineData(8, 0.0, 0.01)]
    [InlineData(6, 4.0, 0.01)]
    [InlineData(3, 1.7, 0.2)]
    [InlineData(12, 10.0, 1e-4)]
    public void AlibiReachIsTheFarthestKeyTheBiasLetsThrough(int heads, double spread, double epsilon)
    {
        // Scan the library's bias: a key d back, with the largest content advantage, against the query's own key.
        int[] reach = (int[])Reference("7.3b").DynamicInvoke(heads, spread, epsilon)!;
        for (int h = 0; h < heads; h++)
        {
            int keys = reach[h] + 3;
            Tensor bias = Alibi.Bias(heads, 1, keys);
            double Ratio(int d) => Math.Exp(spread + bias[0, h, 0, keys - 1 - d] - bias[0, h, 0, keys - 1]);
            Assert.True(Ratio(reach[h]) >= epsilon * (1 - 1e-4), $"head {h}: distance {reach[h]} gets {Ratio(reach[h])} < {epsilon}");
            Assert.True(Ratio(reach[h] + 1) < epsilon * (1 + 1e-4), $"head {h}: distance {reach[h] + 1} still gets {Ratio(reach[h] + 1)}");
        }
    }

    private static Delegate Reference(string id) => HiddenCaseTests.Compile(Exercises.Get(id), ReferenceAnswers.Code(id));
}
