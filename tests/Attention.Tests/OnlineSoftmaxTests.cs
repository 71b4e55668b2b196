using Attention;
using CsCheck;

namespace Attention.Tests;

public class OnlineSoftmaxTests
{
    /// <summary>A row of logits with some −∞ (hidden keys) and random cut points splitting it into blocks.</summary>
    private static readonly Gen<(float[] Row, int[] Cuts)> RowAndChunks =
        Gen.Select(Gen.Int[1, 40], Gen.Int[0, int.MaxValue], Gen.Double[0, 0.5], Gen.Double[0.1, 30])
            .Select((n, seed, hiddenFraction, spread) =>
            {
                var rng = new Random(seed);
                float[] row = Enumerable.Range(0, n)
                    .Select(_ => rng.NextDouble() < hiddenFraction ? float.NegativeInfinity : (float)((rng.NextDouble() - 0.5) * 2 * spread))
                    .ToArray();
                int[] cuts = [.. Enumerable.Range(1, n - 1).Where(_ => rng.Next(3) == 0)];
                return (row, cuts);
            });

    private static (double Max, double Sum) Definition(float[] row)
    {
        double max = row.Max(x => (double)x);
        return double.IsNegativeInfinity(max) ? (max, 0) : (max, row.Sum(x => Math.Exp(x - max)));
    }

    private static IEnumerable<float[]> Blocks(float[] row, int[] cuts)
    {
        int start = 0;
        foreach (int end in cuts.Append(row.Length))
        {
            yield return row[start..end];
            start = end;
        }
    }

    private static void AssertState(double expectedMax, double expectedSum, double m, double l)
    {
        Assert.Equal(expectedMax, m);
        Assert.True(Math.Abs(l - expectedSum) <= 1e-5 * Math.Max(1, expectedSum), $"ℓ = {l}, expected {expectedSum}");
    }

    [Fact]
    public void AnyChunkingOfARowEndsAtMaxAndSumOfExp()
    {
        RowAndChunks.Sample(t =>
        {
            var (row, cuts) = t;
            var (max, sum) = Definition(row);

            var blockwise = new OnlineSoftmax();
            (double m, double l) step = (double.NegativeInfinity, 0);
            foreach (float[] block in Blocks(row, cuts))
            {
                blockwise.Update(block);
                step = OnlineSoftmax.Step(step.m, step.l, block);
            }

            var onePerLogit = new OnlineSoftmax();
            foreach (float x in row)
            {
                onePerLogit.Update(x);
            }

            AssertState(max, sum, blockwise.Max, blockwise.Sum);
            AssertState(max, sum, step.m, step.l);
            AssertState(max, sum, onePerLogit.Max, onePerLogit.Sum);
        }, iter: 300);
    }

    [Fact]
    public void RescaleFactorTurnsAnAccumulatorIntoTheSoftmaxAverage()
    {
        RowAndChunks.Sample(t =>
        {
            var (row, cuts) = t;
            var (max, sum) = Definition(row);
            double[] values = [.. Enumerable.Range(0, row.Length).Select(j => Math.Sin(j + 1.0))];
            double expected = sum == 0 ? 0 : Enumerable.Range(0, row.Length).Sum(j => Math.Exp(row[j] - max) / sum * values[j]);

            var state = new OnlineSoftmax();
            double accumulator = 0;
            int start = 0;
            foreach (float[] block in Blocks(row, cuts))
            {
                var p = new float[block.Length];
                accumulator *= state.Update(block, p);
                for (int k = 0; k < block.Length; k++)
                {
                    accumulator += p[k] * values[start + k];
                }

                start += block.Length;
            }

            double actual = state.Sum == 0 ? 0 : accumulator / state.Sum;
            Assert.True(Math.Abs(actual - expected) < 1e-5, $"{actual} vs {expected}");
        }, iter: 300);
    }

    [Fact]
    public void FirstFiniteLogitRescalesByZeroAndUpdatesMax()
    {
        var state = new OnlineSoftmax();
        Assert.Equal(1.0, state.Update(float.NegativeInfinity));
        Assert.Equal(0.0, state.Sum);
        Assert.Equal(0.0, state.Update(2f));
        Assert.Equal(Math.Exp(-1), state.Update(3f), 12);
        Assert.Equal(Math.Log(Math.Exp(2) + Math.Exp(3)), state.LogSumExp, 12);
    }

    [Fact]
    public void AllHiddenRowStaysEmpty()
    {
        var state = new OnlineSoftmax();
        var p = new float[3] { 9, 9, 9 };
        Assert.Equal(1.0, state.Update([float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity], p));
        Assert.Equal(double.NegativeInfinity, state.Max);
        Assert.Equal(0.0, state.Sum);
        Assert.Equal(double.NegativeInfinity, state.LogSumExp);
        Assert.All(p, x => Assert.Equal(0f, x));
        Assert.Equal((double.NegativeInfinity, 0.0), OnlineSoftmax.Step(double.NegativeInfinity, 0, [float.NegativeInfinity]));
    }

    [Fact]
    public void HugeLogitsStayFinite()
    {
        var (m, l) = OnlineSoftmax.Step(double.NegativeInfinity, 0, [1e4f, -1e4f]);
        (m, l) = OnlineSoftmax.Step(m, l, [1e4f]);
        Assert.Equal(1e4, m);
        Assert.Equal(2.0, l, 12);
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        var state = new OnlineSoftmax();
        Assert.Equal("logit", Assert.Throws<ArgumentException>(() => state.Update(float.NaN)).ParamName);
        Assert.Equal("blockLogits", Assert.Throws<ArgumentException>(() => state.Update([1f, float.PositiveInfinity])).ParamName);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => state.Update([1f, 2f], new float[3])).ParamName);
        Assert.Equal("l", Assert.Throws<ArgumentOutOfRangeException>(() => OnlineSoftmax.Step(1.0, 0.0, [1f])).ParamName);
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => OnlineSoftmax.Step(double.NaN, 1.0, [1f])).ParamName);
    }
}
