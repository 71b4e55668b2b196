namespace Attention.Models;

/// <summary>
/// The decoders of sections 7.2 and 7.3: the course's architecture trained on 32-token sequences, once per position scheme,
/// to be read at lengths it never saw. Written to <c>data/short-context/{scheme}/</c> by <see cref="Command"/>; the build
/// copies the weights to <c>models/short-context/{scheme}/</c> beside this assembly.
/// </summary>
public static class ShortContextDecoders
{
    /// <summary>The context they were trained on, L_train.</summary>
    public const int Context = 32;

    /// <summary>The schemes trained: learned positions, RoPE and ALiBi.</summary>
    public static IReadOnlyList<PositionEncoding> Schemes { get; } = [PositionEncoding.Learned, PositionEncoding.Rope, PositionEncoding.Alibi];

    /// <summary>The command, run from the repository root, that trains one of them again (a few minutes on 2 cores).</summary>
    /// <remarks>ALiBi gets 6000 steps (96.9 % held-out accuracy): at the others' 3000 it reached 91.4 %, they 100 %.</remarks>
    public static string Command(PositionEncoding positions)
    {
        string name = Name(positions);
        string steps = positions == PositionEncoding.Alibi ? " --steps 6000" : "";
        return $"{DecoderFile.RebuildCommand} -- --positions {name} --context {Context}{steps} --out data/short-context/{name}";
    }

    /// <summary>Where the weights are read from.</summary>
    public static string PathOf(PositionEncoding positions) =>
        Path.Combine(Path.GetDirectoryName(DecoderFile.ShippedPath)!, "short-context", Name(positions), DecoderFile.ShippedName);

    /// <summary>The file (weights, training command and metrics) of one scheme's decoder.</summary>
    /// <exception cref="FileNotFoundException">The weights are missing; the message names the command that trains them.</exception>
    public static DecoderFileContents Read(PositionEncoding positions)
    {
        string path = PathOf(positions);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The {positions} decoder trained at {Context} tokens is missing: no file at {path}. Run `{Command(positions)}` from the repository root "
                + "(a few minutes), then rebuild lib/Attention.Models.", path);
        }

        return DecoderFile.Read(path);
    }

    /// <summary>One scheme's decoder, ready to run.</summary>
    public static AttentionOnlyDecoder Load(PositionEncoding positions) => new(Read(positions).Weights);

    private static string Name(PositionEncoding positions) => positions switch
    {
        PositionEncoding.Learned => "learned",
        PositionEncoding.Rope => "rope",
        PositionEncoding.Alibi => "alibi",
        _ => throw new ArgumentOutOfRangeException(nameof(positions), positions, "the short-context decoders use Learned, Rope or Alibi positions."),
    };
}
