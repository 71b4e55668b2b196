using MathNet.Numerics.Random;

namespace Attention.Models;

/// <summary>
/// The task the decoder learns: a segment of uniformly random tokens followed by the same segment again,
/// <c>a b c … | a b c …</c>. Nothing in the first half can be predicted better than chance (1/V); from the second token
/// of the repeat on, every token can be predicted exactly by looking back at what followed the previous occurrence of the
/// current token: the job of an induction head.
/// </summary>
public static class RepeatedSequences
{
    /// <summary>
    /// <paramref name="batch"/> sequences of length 2 · <paramref name="segment"/>, drawn from <paramref name="rng"/>
    /// (MathNet's Mersenne Twister: the same seed gives the same sequences on every machine).
    /// </summary>
    public static int[][] Sample(MersenneTwister rng, int batch, int segment, int vocab)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Shapes.RequirePositive(batch, nameof(batch));
        Shapes.RequirePositive(segment, nameof(segment));
        Shapes.RequirePositive(vocab, nameof(vocab));
        var sequences = new int[batch][];
        for (int b = 0; b < batch; b++)
        {
            var s = new int[2 * segment];
            for (int n = 0; n < segment; n++)
            {
                s[n] = s[n + segment] = rng.Next(vocab);
            }

            sequences[b] = s;
        }

        return sequences;
    }

    /// <summary>The same, from a seed.</summary>
    public static int[][] Sample(int seed, int batch, int segment, int vocab) => Sample(new MersenneTwister(seed), batch, segment, vocab);

    /// <summary>
    /// The positions whose next token the repeat determines: n = segment .. 2·segment − 2 predicts token n + 1, a copy of
    /// token n + 1 − segment. (Position segment − 1 predicts the repeat's first token, which nothing announces.)
    /// </summary>
    public static IEnumerable<int> PredictablePositions(int segment) => Enumerable.Range(segment, segment - 1);
}
