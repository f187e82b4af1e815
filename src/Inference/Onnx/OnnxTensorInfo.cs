namespace Mirage.Inference.Onnx;

/// <summary>A model input or output: its name, element type (ONNXTensorElementDataType) and shape; -1 is symbolic.</summary>
public sealed record OnnxTensorInfo(string Name, int ElementType, IReadOnlyList<long> Dimensions)
{
    public const int Float = 1;

    /// <summary>Values per batch item: the product of every dimension after the first.</summary>
    public int ItemLength => (int)Dimensions.Skip(1).Aggregate(1L, (a, d) => a * Math.Max(d, 1));
}
