using Google.Protobuf;
using Onnx;

namespace Attention.Models;

/// <summary>
/// The weights of an ONNX export as course tensors, under the names of the original model. A PyTorch export keeps the
/// names of biases and LayerNorm parameters (<c>encoder.layer.0.attention.self.query.bias</c>) but stores each linear
/// layer's weight matrix transposed, as an anonymous initializer (<c>927</c>) used as <c>MatMul(x, W)</c>. This reader
/// follows every MatMul whose second input is an initializer to the Add that consumes its output; that Add's other input
/// is the named bias, and the matrix is named after it (<c>….query.weight</c>). The matrices come out [in, out]:
/// the course's convention for <see cref="Linear.Forward(Tensor, Tensor, Tensor?)"/>, y = x W + b.
/// </summary>
public sealed class OnnxWeights
{
    private readonly Dictionary<string, Tensor> tensors;

    private OnnxWeights(Dictionary<string, Tensor> tensors, float layerNormEpsilon)
    {
        this.tensors = tensors;
        LayerNormEpsilon = layerNormEpsilon;
    }

    /// <summary>Every named float tensor: the named initializers, and the weight matrices named after their biases.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => tensors;

    /// <summary>The ε added to the variance in every LayerNorm, read from the graph (BERT: 1e-12).</summary>
    public float LayerNormEpsilon { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor (the message says how many there are).</exception>
    public Tensor this[string name] =>
        tensors.TryGetValue(name, out Tensor? t) ? t : throw new KeyNotFoundException($"the model has no weight '{name}' ({tensors.Count} named tensors).");

    /// <summary>Weights from tensors already named (e.g. an edited copy of <see cref="Tensors"/>).</summary>
    public static OnnxWeights FromTensors(IReadOnlyDictionary<string, Tensor> tensors, float layerNormEpsilon)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return new OnnxWeights(tensors.ToDictionary(kv => kv.Key, kv => kv.Value), layerNormEpsilon);
    }

    /// <summary>Reads an ONNX model.</summary>
    /// <param name="model">The .onnx file's bytes.</param>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model of the expected form.</exception>
    public static OnnxWeights Read(byte[] model) => Read(() => ModelProto.Parser.ParseFrom(model));

    /// <summary>Reads an ONNX model from a stream, without a copy of the whole file first.</summary>
    /// <param name="model">The .onnx file's content (read to its end, not disposed).</param>
    /// <exception cref="InvalidDataException">The content is not an ONNX model of the expected form.</exception>
    public static OnnxWeights Read(Stream model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Read(() => (model is UnmanagedMemoryStream mapped ? ParseInPlace(mapped) : null) ?? ModelProto.Parser.ParseFrom(model));
    }

    // A manifest resource is memory the runtime has mapped already: parse it where it lies. Read as a stream, each large
    // bytes field was gathered in chunks and then joined, twice the model's 87 MiB in fresh memory (~0.2 s in a notebook).
    // Null when the stream has no pointer to parse at (one over a SafeBuffer) or is too long for a span.
    private static unsafe ModelProto? ParseInPlace(UnmanagedMemoryStream mapped)
    {
        byte* start;
        try
        {
            start = mapped.PositionPointer;
        }
        catch (NotSupportedException)
        {
            return null;
        }

        long length = mapped.Length - mapped.Position;
        if (length > int.MaxValue)
        {
            return null;
        }

        ModelProto proto = ModelProto.Parser.ParseFrom(new ReadOnlySpan<byte>(start, (int)length));
        mapped.Seek(0, SeekOrigin.End);
        return proto;
    }

    private static OnnxWeights Read(Func<ModelProto> parse)
    {
        ModelProto proto;
        try
        {
            proto = parse();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("the model bytes are not an ONNX model (corrupt download?).", e);
        }

        GraphProto graph = proto.Graph ?? throw new InvalidDataException("the ONNX model has no graph.");
        var initializers = graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float).ToDictionary(t => t.Name, ToTensor);
        var named = initializers.Where(kv => !IsAnonymous(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (NodeProto matMul in graph.Node.Where(n => n.OpType == "MatMul" && initializers.ContainsKey(n.Input[1])))
        {
            NodeProto? add = graph.Node.FirstOrDefault(n => n.OpType == "Add" && n.Input.Contains(matMul.Output[0]));
            string? bias = add?.Input.FirstOrDefault(i => i != matMul.Output[0] && i.EndsWith(".bias", StringComparison.Ordinal));
            if (bias is null)
            {
                throw new InvalidDataException($"MatMul {matMul.Output[0]} with weight {matMul.Input[1]} is not followed by a named bias Add.");
            }

            named[bias[..^".bias".Length] + ".weight"] = initializers[matMul.Input[1]];
        }

        return new OnnxWeights(named, LayerNormEpsilonOf(graph));
    }

    // The first LayerNorm as exported: Sqrt(Add(ReduceMean(...), ε)); ε is a Constant node.
    private static float LayerNormEpsilonOf(GraphProto graph)
    {
        NodeProto sqrt = graph.Node.FirstOrDefault(n => n.OpType == "Sqrt") ?? throw new InvalidDataException("no LayerNorm (Sqrt) in the graph.");
        NodeProto add = graph.Node.First(n => n.Output.Contains(sqrt.Input[0]));
        NodeProto constant = graph.Node.First(n => n.OpType == "Constant" && add.Input.Contains(n.Output[0]));
        return ToTensor(constant.Attribute.Single(a => a.Name == "value").T).Data[0];
    }

    private static bool IsAnonymous(string name) => name.All(char.IsDigit);

    private static Tensor ToTensor(TensorProto t)
    {
        int[] shape = [.. t.Dims.Select(d => (int)d)];
        float[] data = t.RawData.Length > 0
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray()   // little-endian, as ONNX stores it
            : [.. t.FloatData];
        return new Tensor(data, shape.Length == 0 ? [1] : shape);
    }
}
