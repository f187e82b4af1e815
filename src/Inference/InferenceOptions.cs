namespace Mirage.Inference;

/// <summary>How the inference pool gathers requests into model runs.</summary>
public sealed class InferenceOptions
{
    /// <summary>Rows per model run at most; a single larger request runs alone.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>How long the first request of a batch waits for company.</summary>
    public int MaxWaitMicroseconds { get; set; } = 200;

    /// <summary>Model runs in flight at once; 0 means one per processor.</summary>
    public int Workers { get; set; }

    /// <summary>Requests waiting for a run at most; more are refused (the service answers 503).</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Threads ONNX Runtime uses inside one run; the pool runs several at once, so 1 is usual.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Threads ONNX Runtime may use across independent graph branches of one run.</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>cpu, cuda or auto (CUDA when its libraries load, else CPU with one log line).</summary>
    public InferenceDevice Device { get; set; } = InferenceDevice.Auto;

    /// <summary>The GPU the CUDA execution provider uses.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>
    /// Where MAD's surrogate posterior comes from (see <see cref="Inference.SurrogatePosterior"/>): the mean
    /// the manifest carries (default; no second model run), or the surrogate model run on every row.
    /// </summary>
    public SurrogateSource SurrogatePosterior { get; set; } = SurrogateSource.Mean;
}

public enum SurrogateSource
{
    Mean,
    PerInput,
}
