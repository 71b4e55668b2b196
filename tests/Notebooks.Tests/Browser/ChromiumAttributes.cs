namespace Notebooks.Tests.Browser;

/// <summary>
/// A fact that needs the browser: skipped, saying how to install it, only when /usr/bin/chromium is absent
/// (xunit 2 has no dynamic skip; .ci/run installs the browser, so CI never skips).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Chromium is missing.</summary>
    public ChromiumFactAttribute()
    {
        if (!Chromium.IsInstalled)
            Skip = SkipReason;
    }

    internal const string SkipReason =
        $"Chromium is not installed at {Chromium.ExecutablePath}: run `apt-get update && apt-get install -y chromium` (as .ci/run does).";
}

/// <summary>A theory that needs the browser; skipped only when /usr/bin/chromium is absent.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Chromium is missing.</summary>
    public ChromiumTheoryAttribute()
    {
        if (!Chromium.IsInstalled)
            Skip = ChromiumFactAttribute.SkipReason;
    }
}
