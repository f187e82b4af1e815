using Microsoft.Extensions.Logging;

namespace Mirage.Inference.Onnx;

/// <summary>
/// The loaded ONNX Runtime library and its one process-wide OrtEnv, shared by every session. Each
/// session holds the OrtEnv alive, so disposing this before the sessions is harmless.
/// </summary>
public sealed class OnnxEnvironment : IDisposable
{
    private const int LoggingLevelWarning = 2;
    private const string LibraryFile = "libonnxruntime.so.1";

    private readonly ILoggerFactory _loggers;
    private readonly OrtHandle _env;
    private readonly Lock _cudaLock = new();
    private string? _cudaUnavailable;
    private volatile bool _disposed;

    private OnnxEnvironment(OrtApi api, OrtHandle env, string libraryPath, ILoggerFactory loggers)
    {
        Api = api;
        _env = env;
        LibraryPath = libraryPath;
        _loggers = loggers;
    }

    public string LibraryPath { get; }

    /// <summary>ONNX Runtime's version string ("1.30.0").</summary>
    public string Version => Api.Version;

    internal OrtApi Api { get; }

    // Sessions hold references to the OrtEnv, so the handle stays open after Dispose until they go:
    // the flag is what refuses new sessions.
    internal OrtHandle Handle => !_disposed ? _env : throw new ObjectDisposedException(nameof(OnnxEnvironment));

    /// <summary>ORT's reason once a session asked for CUDA and could not have it; null before that.</summary>
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

    /// <summary>Loads the library from <paramref name="libraryPath"/>, or finds it (see <see cref="FindLibrary"/>).</summary>
    public static OnnxEnvironment Create(string? libraryPath = null, ILoggerFactory? loggers = null)
    {
        var path = string.IsNullOrWhiteSpace(libraryPath) ? FindLibrary() : Path.GetFullPath(libraryPath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"ONNX Runtime's native library is not at {path}. Run scripts/fetch-onnxruntime.sh, or set " +
                "MIRAGE_ORT_LIBRARY (or Mirage:OnnxRuntimeLibrary) to the path of libonnxruntime.so.1.", path);
        }

        var api = OrtApi.Load(path);
        var env = api.CreateEnv(LoggingLevelWarning, "mirage");
        return new OnnxEnvironment(api, env, path, loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
    }

    /// <summary>
    /// MIRAGE_ORT_LIBRARY if set; otherwise .tools/onnxruntime/libonnxruntime.so.1 in the first of the
    /// application's folder, the current folder, or one of their parents that has it.
    /// </summary>
    public static string FindLibrary()
    {
        if (Environment.GetEnvironmentVariable("MIRAGE_ORT_LIBRARY") is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, ".tools", "onnxruntime", LibraryFile);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), ".tools", "onnxruntime", LibraryFile);
    }

    /// <summary>What the library was built with (CUDA may be listed and still fail to load).</summary>
    public IReadOnlyList<string> AvailableProviders() => Api.AvailableProviders();

    public OnnxSession OpenSession(string modelPath, OnnxSessionOptions? options = null) =>
        new(this, modelPath, options ?? new OnnxSessionOptions());

    /// <summary>
    /// Appends the CUDA provider to <paramref name="options"/>, or returns ORT's reason it cannot. The
    /// provider libraries do not appear while the process runs, so the first failure is remembered:
    /// later sessions skip the attempt (and ORT's stderr line) and the warning is logged only once.
    /// </summary>
    internal bool TryAppendCuda(OrtHandle options, out string? unavailableReason)
    {
        lock (_cudaLock)
        {
            if (_cudaUnavailable is null)
            {
                try
                {
                    Api.AppendCuda(options);
                    unavailableReason = null;
                    return true;
                }
                catch (OnnxRuntimeException ex)
                {
                    _cudaUnavailable = ex.OrtMessage;
                    _loggers.CreateLogger<OnnxEnvironment>().LogWarning(
                        "CUDA execution provider unavailable ({Reason}); running on CPU", ex.OrtMessage);
                }
            }

            unavailableReason = _cudaUnavailable;
            return false;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _env.Dispose();
    }
}
