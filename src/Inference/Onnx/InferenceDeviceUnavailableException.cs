namespace Mirage.Inference.Onnx;

/// <summary>Inference:Device is cuda and the CUDA execution provider cannot be used: the silo does not start.</summary>
public sealed class InferenceDeviceUnavailableException(string reason)
    : Exception($"Mirage:Inference:Device is cuda, but the CUDA execution provider is unavailable: {reason}. " +
        "Set Mirage:Inference:Device to auto or cpu to run on the CPU.")
{
    public string Reason { get; } = reason;
}
