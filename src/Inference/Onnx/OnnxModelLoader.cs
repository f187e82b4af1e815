using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace Mirage.Inference.Onnx;

/// <summary>
/// Opens ONNX models as <see cref="OnnxInferenceModel"/>s on the configured device and threads. With
/// cuda or auto it appends the CUDA execution provider; where that fails, the first failure is
/// remembered (the libraries do not appear while the process runs), so later models skip the attempt:
/// auto logs one warning and runs on the CPU, cuda throws <see cref="InferenceDeviceUnavailableException"/>.
/// </summary>
public sealed class OnnxModelLoader(InferenceOptions options, ILogger? logger = null)
{
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _cudaLock = new();
    private string? _cudaUnavailable;

    /// <summary>ONNX Runtime's version ("1.31.0").</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>Why CUDA could not be used, once a model asked for it and did not get it; null otherwise.</summary>
    public string? CudaUnavailableReason
    {
        get
        {
            lock (_cudaLock)
            {
                return _cudaUnavailable;
            }
        }
    }

    /// <param name="inputName">The input the manifest names; null accepts the model's only input.</param>
    public OnnxInferenceModel Open(string modelPath, string probabilitiesOutput, string? embeddingOutput, string? inputName = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntraOpThreads, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InterOpThreads, 0);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Model file {modelPath} does not exist.", modelPath);
        }

        var path = Path.GetFullPath(modelPath);
        var session = OpenSession(path, out var device);
        return new OnnxInferenceModel(session, modelPath, device, probabilitiesOutput, embeddingOutput, inputName);
    }

    private InferenceSession OpenSession(string path, out string device)
    {
        using var sessionOptions = BaseOptions();
        device = Cpu;
        if (options.Device == InferenceDevice.Cpu || !TryAppendCuda(sessionOptions))
        {
            return new InferenceSession(path, sessionOptions);
        }

        try
        {
            device = Cuda;
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException cudaFailure)
        {
            // A model that fails on the CPU too is broken, and fails here with its own error. Otherwise the
            // provider loaded but could not start (no device, driver too old): the same as not loading.
            using var cpuOnly = BaseOptions();
            var session = new InferenceSession(path, cpuOnly);
            try
            {
                Unavailable(cudaFailure.Message);
            }
            catch
            {
                session.Dispose();
                throw;
            }

            device = Cpu;
            return session;
        }
    }

    // The settings every session gets; CUDA, when wanted, is appended to these.
    private SessionOptions BaseOptions() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = options.IntraOpThreads,
        InterOpNumThreads = options.InterOpThreads,
    };

    private bool TryAppendCuda(SessionOptions sessionOptions)
    {
        lock (_cudaLock)
        {
            if (_cudaUnavailable is not null)
            {
                return options.Device == InferenceDevice.Cuda
                    ? throw new InferenceDeviceUnavailableException(_cudaUnavailable)
                    : false;
            }

            // ORT also prints the failure to stderr in its own format; the reason goes to our log instead.
            var environment = OrtEnv.Instance();
            var level = environment.EnvLogLevel;
            environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                return true;
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                Unavailable(CudaDiagnosis.Explain(ex));
                return false;
            }
            finally
            {
                environment.EnvLogLevel = level;
            }
        }
    }

    private void Unavailable(string reason)
    {
        lock (_cudaLock)
        {
            _cudaUnavailable ??= reason;
            if (options.Device == InferenceDevice.Cuda)
            {
                throw new InferenceDeviceUnavailableException(_cudaUnavailable);
            }

            _logger.LogWarning("CUDA execution provider unavailable ({Reason}); models run on the CPU", _cudaUnavailable);
        }
    }
}
