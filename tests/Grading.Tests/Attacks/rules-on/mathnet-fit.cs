// exercise: 6.1b
// expect: forbidden-api MathNet.Numerics.Fit
// A library line fit does the fitting in one call.
double CrossoverLength(double[] N, double[] cost)
{
    var (a, b) = MathNet.Numerics.Fit.Line(N, cost.Select((c, k) => c / N[k]).ToArray());
    return a / b;
}
