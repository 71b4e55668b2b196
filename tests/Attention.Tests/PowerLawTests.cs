using Attention;
using CsCheck;

namespace Attention.Tests;

public class PowerLawTests
{
    [Fact]
    public void ExactPowerLawsGiveTheirExponent()
    {
        double[] N = [512, 1024, 2048, 4096];
        Assert.Equal(2, PowerLaw.FitExponent(N, [.. N.Select(n => 4 * n * n)]), 12);
        Assert.Equal(1, PowerLaw.FitExponent(N, [.. N.Select(n => 1.5e6 * n)]), 12);
        Assert.Equal(0, PowerLaw.FitExponent(N, [.. N.Select(_ => 7.0)]), 12);
    }

    [Fact]
    public void ASumOfLinearAndQuadraticReadsBetweenAndMovesTowardsTwo()
    {
        static double Cost(double n) => (768 * n) + (n * n);
        double small = PowerLaw.FitExponent([16, 32, 64, 128], [.. new[] { 16.0, 32, 64, 128 }.Select(Cost)]);
        double large = PowerLaw.FitExponent([8192, 16384, 32768, 65536], [.. new[] { 8192.0, 16384, 32768, 65536 }.Select(Cost)]);
        Assert.InRange(small, 1.0, 1.2);
        Assert.InRange(large, 1.9, 2.0);
    }

    [Fact]
    public void AgreesWithTheLeastSquaresLineOfTheLogsWhateverTheOrder()
    {
        Gen.Select(Gen.Double[0.5, 3].Array[2, 12], Gen.Double[-2, 2], Gen.Int[0, 1000]).Sample((logN, k, seed) =>
        {
            if (logN.Distinct().Count() < 2)
            {
                return;
            }

            var noise = new Random(seed);
            double[] N = [.. logN.Select(x => Math.Exp(x))];
            double[] cost = [.. logN.Select(x => Math.Exp((k * x) + 0.1 + (0.05 * noise.NextDouble())))];
            (double _, double slope) = MathNet.Numerics.Fit.Line(logN, [.. cost.Select(c => Math.Log(c))]);
            Assert.Equal(slope, PowerLaw.FitExponent(N, cost), 9);
            int[] order = [.. Enumerable.Range(0, N.Length).Reverse()];
            Assert.Equal(slope, PowerLaw.FitExponent([.. order.Select(i => N[i])], [.. order.Select(i => cost[i])]), 9);
        });
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        Assert.Equal("cost", Assert.Throws<ArgumentException>(() => PowerLaw.FitExponent([1, 2], [1])).ParamName);
        Assert.Equal("N", Assert.Throws<ArgumentException>(() => PowerLaw.FitExponent([3, 3], [1, 2])).ParamName);
        Assert.Equal("N", Assert.Throws<ArgumentException>(() => PowerLaw.FitExponent([0, 2], [1, 2])).ParamName);
        Assert.Equal("cost", Assert.Throws<ArgumentException>(() => PowerLaw.FitExponent([1, 2], [1, double.NaN])).ParamName);
        Assert.Equal("cost", Assert.Throws<ArgumentException>(() => PowerLaw.FitExponent([1, 2], [-1, 2])).ParamName);
    }
}
