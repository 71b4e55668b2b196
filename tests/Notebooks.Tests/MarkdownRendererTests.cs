using Course.Site;

namespace Notebooks.Tests;

public class MarkdownRendererTests
{
    [Fact]
    public void Display_math_spread_over_lines_renders_as_one_math_block()
    {
        string html = MarkdownRenderer.ToHtml("Rotation:\n$$R = \\begin{pmatrix} \\cos\\theta & -\\sin\\theta \\\\\n\\sin\\theta & \\cos\\theta \\end{pmatrix}$$\nwhere θ is the angle.");
        Assert.Contains("<div class=\"math\">", html);
        Assert.Contains("\\sin\\theta &amp; \\cos\\theta", html);
        Assert.DoesNotContain("pmatrix=", html);
    }

    [Fact]
    public void One_line_and_inline_math_are_left_to_markdig()
    {
        Assert.Equal("a $$x^2$$ b", MarkdownRenderer.FenceMultilineDisplayMath("a $$x^2$$ b"));
        Assert.Contains("class=\"math\"", MarkdownRenderer.ToHtml("with $x_1$ inline"));
    }
}
