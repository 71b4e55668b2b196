using Attention.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Attention.Models.Tests;

/// <summary>The model loaded once for all tests: the course's encoder and an ONNX Runtime session over the same bytes.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmFixture()
    {
        Model = MiniLm.Load();
        Session = new InferenceSession(MiniLmFiles.ModelBytes());
    }

    public MiniLm Model { get; }

    public InferenceSession Session { get; }

    /// <summary>ONNX Runtime's last_hidden_state [B, n, 384] for a padded batch (attention_mask 0 on padding).</summary>
    public Tensor OnnxRuntimeHidden(int[,] ids, bool[,] isReal)
    {
        int B = ids.GetLength(0), n = ids.GetLength(1);
        var inputIds = new DenseTensor<long>([B, n]);
        var mask = new DenseTensor<long>([B, n]);
        var types = new DenseTensor<long>([B, n]);
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < n; i++)
            {
                inputIds[b, i] = ids[b, i];
                mask[b, i] = isReal[b, i] ? 1 : 0;
            }
        }

        using var results = Session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input_ids", inputIds),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        ]);
        var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        return new Tensor([.. hidden], B, n, hidden.Dimensions[2]);
    }

    public void Dispose() => Session.Dispose();
}

[CollectionDefinition("minilm")]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>;
