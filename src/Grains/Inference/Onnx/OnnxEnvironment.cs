using Microsoft.Extensions.Logging;

namespace Mirage.Grains.Inference.Onnx;

/// <summary>
/// The loaded ONNX Runtime library and its one process-wide OrtEnv, shared by every session. Dispose
/// it after the sessions.
/// </summary>
public sealed class OnnxEnvironment : IDisposable
{
    private const int LoggingLevelWarning = 2;
    private const string LibraryFile = "libonnxruntime.so.1";

    private readonly ILoggerFactory _loggers;
    private IntPtr _env;

    private OnnxEnvironment(OrtApi api, IntPtr env, string libraryPath, ILoggerFactory loggers)
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

    internal IntPtr Handle => _env != IntPtr.Zero ? _env : throw new ObjectDisposedException(nameof(OnnxEnvironment));

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
        new(this, modelPath, options ?? new OnnxSessionOptions(), _loggers.CreateLogger<OnnxSession>());

    public void Dispose()
    {
        if (_env != IntPtr.Zero)
        {
            Api.ReleaseEnv(_env);
            _env = IntPtr.Zero;
        }
    }
}
