namespace Mirage.Inference;

/// <summary>A model the service answers for: what clients see of it, the pool that runs it, and where it runs.</summary>
public sealed class ServedModel(string name, IReadOnlyList<int> inputShape, IReadOnlyList<string> labels, InferencePool pool, string device)
{
    public string Name { get; } = name;

    /// <summary>The shape of one input, without the batch axis (1x28x28).</summary>
    public IReadOnlyList<int> InputShape { get; } = inputShape;

    public IReadOnlyList<string> Labels { get; } = labels;

    public int Classes => Pool.Classes;

    public int InputLength => Pool.InputLength;

    public InferencePool Pool { get; } = pool;

    /// <summary>Where ONNX Runtime runs the victim: "cpu" or "cuda".</summary>
    public string Device { get; } = device;

    public string DescribeShape() => string.Join('x', InputShape);
}
