// exercise: 6.1b
// expect: forbidden-api MathNet.Numerics.Fit
// A library line fit answers the exponent fit in one call.
double FitExponent(double[] N, double[] cost)
{
    var (a, b) = MathNet.Numerics.Fit.Line(N.Select(x => Math.Log(x)).ToArray(), cost.Select(c => Math.Log(c)).ToArray());
    return b;
}
