namespace Mirage.Inference.Onnx;

public sealed record OnnxSessionOptions
{
    /// <summary>Threads inside one run. The inference pool runs several sessions' runs at once, so 1 is usual.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Try the CUDA execution provider first; without its libraries, log once and use the CPU.</summary>
    public bool UseCuda { get; init; }
}
