using MathNet.Numerics.Random;

namespace Attention.Models;

/// <summary>
/// A batch of sequences that each end in a segment and its repeat: <c>noise… | a b c … | a b c …</c>.
/// </summary>
/// <param name="Tokens">The sequences [B][N].</param>
/// <param name="Starts">Where each sequence's first copy of the segment starts.</param>
/// <param name="Segments">Each segment's length T; the repeat starts at Start + T.</param>
public sealed record RepeatedBatch(int[][] Tokens, int[] Starts, int[] Segments)
{
    /// <summary>
    /// The positions of sequence <paramref name="b"/> whose next token the repeat determines: n = Start + T .. N − 2
    /// predicts token n + 1, a copy of token n + 1 − T. (Position Start + T − 1 predicts the repeat's first token, which
    /// nothing announces.)
    /// </summary>
    public IEnumerable<int> PredictablePositions(int b) =>
        Enumerable.Range(Starts[b] + Segments[b], Tokens[b].Length - 1 - (Starts[b] + Segments[b]));
}

/// <summary>
/// The task the decoder learns. Each sequence of N tokens is random noise, then a random segment of T distinct tokens, then
/// the same segment again (T drawn per sequence, the segment and its repeat ending the sequence); the noise uses only tokens
/// outside the segment. Nothing before the repeat can be predicted better than chance (1/V); from the repeat's second token
/// on, every token can be predicted exactly by looking back at what followed the earlier occurrence of the current token:
/// the job of an induction head. Each segment token occurs once before the repeat, so that answer is unique (with repeated
/// tokens, "what followed it" can have two answers). Because T varies, no fixed look-back distance does the job (a model
/// trained on one T learns to copy from i − T + 1 by position alone).
/// </summary>
public static class RepeatedSequences
{
    /// <summary>
    /// <paramref name="batch"/> sequences of <paramref name="length"/> tokens with T uniform in
    /// <paramref name="minSegment"/> .. <paramref name="maxSegment"/>, drawn from <paramref name="rng"/>
    /// (MathNet's Mersenne Twister: the same seed gives the same sequences on every machine).
    /// </summary>
    public static RepeatedBatch Sample(MersenneTwister rng, int batch, int length, int vocab, int minSegment, int maxSegment)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Shapes.RequirePositive(batch, nameof(batch));
        Shapes.RequirePositive(vocab, nameof(vocab));
        if (minSegment < 2 || maxSegment < minSegment || 2 * maxSegment > length || maxSegment >= vocab)
        {
            throw new ArgumentException(
                $"segments must satisfy 2 ≤ minSegment ≤ maxSegment < vocab and 2 · maxSegment ≤ length; got {minSegment}, {maxSegment}, vocab {vocab}, length {length}.",
                nameof(maxSegment));
        }

        var tokens = new int[batch][];
        var starts = new int[batch];
        var segments = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            int T = minSegment + rng.Next(maxSegment - minSegment + 1);
            int start = length - (2 * T);

            // A shuffled vocabulary: its first T ids are the segment, the other V − T the noise's alphabet.
            int[] ids = Enumerable.Range(0, vocab).ToArray();
            for (int k = 0; k < T; k++)
            {
                int pick = k + rng.Next(vocab - k);
                (ids[k], ids[pick]) = (ids[pick], ids[k]);
            }

            var s = new int[length];
            for (int n = 0; n < start; n++)
            {
                s[n] = ids[T + rng.Next(vocab - T)];
            }

            ids.AsSpan(0, T).CopyTo(s.AsSpan(start));
            ids.AsSpan(0, T).CopyTo(s.AsSpan(start + T));
            (tokens[b], starts[b], segments[b]) = (s, start, T);
        }

        return new RepeatedBatch(tokens, starts, segments);
    }

    /// <summary>
    /// Sequences of <paramref name="length"/> tokens that repeat one random segment of T tokens (T uniform in
    /// <paramref name="minSegment"/> .. <paramref name="maxSegment"/>) from the start to the end: token n = segment[n mod T].
    /// </summary>
    public static RepeatedBatch Cycled(MersenneTwister rng, int batch, int length, int vocab, int minSegment, int maxSegment)
    {
        var first = Sample(rng, batch, length, vocab, minSegment, maxSegment);
        for (int b = 0; b < batch; b++)
        {
            int[] s = first.Tokens[b];
            int start = first.Starts[b], T = first.Segments[b];
            for (int n = 0; n < length; n++)
            {
                s[n] = s[start + (n % T)];
            }

            first.Starts[b] = 0;
        }

        return first;
    }

    /// <summary>The training distribution for a context of <paramref name="length"/> tokens: T from 6 to length / 2.</summary>
    public static RepeatedBatch Sample(MersenneTwister rng, int batch, int length, int vocab) => Sample(rng, batch, length, vocab, 6, length / 2);

    /// <summary>The same, from a seed.</summary>
    public static RepeatedBatch Sample(int seed, int batch, int length, int vocab) => Sample(new MersenneTwister(seed), batch, length, vocab);

    /// <summary>Noise, a segment of T tokens (T uniform in minSegment .. maxSegment) and its repeat, from a seed.</summary>
    public static RepeatedBatch Sample(int seed, int batch, int length, int vocab, int minSegment, int maxSegment) =>
        Sample(new MersenneTwister(seed), batch, length, vocab, minSegment, maxSegment);

    /// <summary>A segment of T tokens (T uniform in minSegment .. maxSegment) repeated from start to end, from a seed.</summary>
    public static RepeatedBatch Cycled(int seed, int batch, int length, int vocab, int minSegment, int maxSegment) =>
        Cycled(new MersenneTwister(seed), batch, length, vocab, minSegment, maxSegment);

    /// <summary>A segment of T tokens and its repeat, nothing else (2T tokens): the textbook induction probe.</summary>
    public static RepeatedBatch Doubled(int seed, int batch, int segment, int vocab) =>
        Sample(new MersenneTwister(seed), batch, 2 * segment, vocab, segment, segment);
}
