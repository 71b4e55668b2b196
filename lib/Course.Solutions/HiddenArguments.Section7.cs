using Attention;

namespace Course.Solutions;

/// <summary>The hidden cases' argument draws of section 7's exercises, each with its edge cases first.</summary>
public static partial class HiddenArguments
{
    private static Dictionary<string, Func<Random, IReadOnlyList<object?[]>>> Section7 => new()
    {
        ["7.1a"] = r => Repeat(r, r => [r.Next(1, 129), 2 * r.Next(1, 65), r.Next(1, 1025), 2 * r.Next(0, 33), r.Next(1, 200_000)],
            [1, 1, 1, 0, 1], [128, 128, 512, 64, 131_072], [3, 5, 7, 0, 11], [1, 1, 1, 1, 0], [0, 4, 8, 2, 5], [2, 4, 8, -2, 5]),
        ["7.1b"] = r => Repeat(r, r => [T(r, 1, r.Next(1, 6), 2 * r.Next(1, 6)), r.Next(-40, 41)],
            [T(r, 1, 2, 2), 0], [T(r, 1, 1, 4), -1], [T(r, 1, 3, 6), 1000], [T(r, 1, 2, 16), -7], [T(r, 1, 2, 3), 2], [T(r, 1, 4), 1]),
    };
}
