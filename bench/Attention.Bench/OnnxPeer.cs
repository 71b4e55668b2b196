using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Attention.Bench;

/// <summary>
/// The peer: ONNX Runtime's CPU com.microsoft MultiHeadAttention, in a one-node model built in code. Its inputs are
/// [B, S, H·D] (heads side by side), so the course's [B, H, S, D] tensors are laid out that way once, before timing.
/// </summary>
public sealed class OnnxPeer : IDisposable
{
    private readonly InferenceSession session;
    private readonly int heads, headDim;

    /// <summary>A session for H heads of width D, causal (unidirectional) or not, on <paramref name="threads"/> threads.</summary>
    public OnnxPeer(int heads, int headDim, bool causal, int threads)
    {
        (this.heads, this.headDim) = (heads, headDim);
        var node = new NodeProto { OpType = "MultiHeadAttention", Domain = "com.microsoft", Name = "attention" };
        node.Input.Add(["query", "key", "value"]);
        node.Output.Add("output");
        node.Attribute.Add(new AttributeProto { Name = "num_heads", Type = AttributeProto.Types.AttributeType.Int, I = heads });
        if (causal)
        {
            node.Attribute.Add(new AttributeProto { Name = "unidirectional", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        }

        var graph = new GraphProto { Name = "attention" };
        graph.Node.Add(node);
        foreach (string name in new[] { "query", "key", "value" })
        {
            graph.Input.Add(Value(name));
        }

        graph.Output.Add(Value("output"));
        var model = new ModelProto { IrVersion = 8, ProducerName = "Attention.Bench", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        session = new InferenceSession(model.ToByteArray(), options);
    }

    /// <summary>The inputs in ONNX Runtime's layout, [B, S, H·D], made once from course tensors [B, H, S, D].</summary>
    public IReadOnlyList<NamedOnnxValue> Inputs(Tensor Q, Tensor K, Tensor V) =>
    [
        NamedOnnxValue.CreateFromTensor("query", SideBySide(Q)),
        NamedOnnxValue.CreateFromTensor("key", SideBySide(K)),
        NamedOnnxValue.CreateFromTensor("value", SideBySide(V)),
    ];

    /// <summary>Runs the node; returns the output back in the course layout [B, H, L, D].</summary>
    public Tensor Run(IReadOnlyList<NamedOnnxValue> inputs, bool keep = true)
    {
        using var results = session.Run(inputs);
        if (!keep)
        {
            return new Tensor(1);
        }

        var o = results[0].AsTensor<float>();
        int B = o.Dimensions[0], L = o.Dimensions[1];
        var output = new Tensor(B, heads, L, headDim);
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < L; i++)
            {
                for (int h = 0; h < heads; h++)
                {
                    for (int d = 0; d < headDim; d++)
                    {
                        output[b, h, i, d] = o[b, i, (h * headDim) + d];
                    }
                }
            }
        }

        return output;
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    private static DenseTensor<float> SideBySide(Tensor x)
    {
        int B = x.Dim(0), H = x.Dim(1), S = x.Dim(2), D = x.Dim(3);
        var t = new DenseTensor<float>([B, S, H * D]);
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                for (int s = 0; s < S; s++)
                {
                    for (int d = 0; d < D; d++)
                    {
                        t[b, s, (h * D) + d] = x[b, h, s, d];
                    }
                }
            }
        }

        return t;
    }

    private static ValueInfoProto Value(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "sequence" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "hidden" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
