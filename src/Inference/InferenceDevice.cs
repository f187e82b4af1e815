namespace Mirage.Inference;

/// <summary>Where ONNX Runtime runs the models (setting Mirage:Inference:Device, "cpu" | "cuda" | "auto").</summary>
public enum InferenceDevice
{
    /// <summary>CUDA when its libraries load; otherwise one log line and the CPU.</summary>
    Auto,

    Cpu,

    /// <summary>CUDA or nothing: without it the silo refuses to start.</summary>
    Cuda,
}
