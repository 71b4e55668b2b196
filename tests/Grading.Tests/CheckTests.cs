using Attention;

namespace Grading.Tests;

/// <summary>The notebooks' ✓/✗ lines: each can turn ✗, and reports the gap it measured.</summary>
[Collection("console")] // redirects Console.Out, like ExerciseTests
public class CheckTests
{
    [Fact]
    public void CloseTensorsPassWithinToleranceAndReportTheGap()
    {
        var a = new Tensor([1f, 2f], 2);
        var b = new Tensor([1f, 2.001f], 2);
        (bool near, string line) = Printed(() => Check.Close(a, b, 1e-2, "a ≈ b"));
        Assert.True(near);
        Assert.StartsWith("✓ a ≈ b (max |Δ| = 1.0E-3)", line, StringComparison.Ordinal);
        (bool far, string failed) = Printed(() => Check.Close(a, b, 1e-4, "a ≈ b"));
        Assert.False(far);
        Assert.StartsWith("✗ a ≈ b: max |Δ| = 1.0E-3 > 1.0E-4", failed, StringComparison.Ordinal);
        (bool shaped, string shapeLine) = Printed(() => Check.Close(a, new Tensor(1, 2), 1, "shapes"));
        Assert.False(shaped);
        Assert.Contains("[2]", shapeLine, StringComparison.Ordinal);
    }

    [Fact]
    public void CloseNumbersThatAndBelowTurnToCrossWhenTheClaimFails()
    {
        Assert.Equal((true, "✓ π (3.14 vs 3.14)"), Printed(() => Check.Close(Math.PI, 3.14159, 1e-3, "π")));
        Assert.Equal((false, "✗ π: 3.14 vs 3, |Δ| = 0.142 > 0.001"), Printed(() => Check.Close(Math.PI, 3, 1e-3, "π")));
        Assert.Equal((true, "✓ holds"), Printed(() => Check.That(true, "holds", "fails")));
        Assert.Equal((false, "✗ fails"), Printed(() => Check.That(false, "holds", "fails")));
        Assert.Equal((false, "✗ holds"), Printed(() => Check.That(false, "holds")));
        Assert.Equal((false, "✗ gap: max |Δ| = NaN > 1.0E-6"), Printed(() => Check.Below(double.NaN, 1e-6, "gap")));
    }

    private static (bool Result, string Line) Printed(Func<bool> check)
    {
        var output = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(output);
        try
        {
            bool result = check();
            return (result, output.ToString().TrimEnd('\n', '\r'));
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
