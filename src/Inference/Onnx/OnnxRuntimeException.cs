namespace Mirage.Inference.Onnx;

/// <summary>ONNX Runtime reported a failure; the message is ORT's own.</summary>
public sealed class OnnxRuntimeException(int errorCode, string message)
    : Exception($"ONNX Runtime error {errorCode}: {message}")
{
    /// <summary>ORT's OrtErrorCode (1 = FAIL, 2 = INVALID_ARGUMENT, 3 = NO_SUCHFILE, 7 = INVALID_PROTOBUF, ...).</summary>
    public int ErrorCode { get; } = errorCode;

    public string OrtMessage { get; } = message;
}
