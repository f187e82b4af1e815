using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Mirage.Inference.Onnx;

/// <summary>
/// Says why the CUDA execution provider could not be appended, naming what is missing. ORT's own
/// exception only says "Failed to load shared library"; the dynamic loader knows which dependency.
/// </summary>
internal static class CudaDiagnosis
{
    private const string ProviderLibrary = "libonnxruntime_providers_cuda.so";

    public static string Explain(Exception failure) => failure switch
    {
        // The CPU package (Microsoft.ML.OnnxRuntime) has no CUDA entry point at all.
        EntryPointNotFoundException =>
            "this process's ONNX Runtime has no CUDA execution provider (it is the CPU package Microsoft.ML.OnnxRuntime; " +
            "the silo ships Microsoft.ML.OnnxRuntime.Gpu)",
        OnnxRuntimeException ort when LoaderReason() is { } reason => $"{ort.Message}: {reason}",
        _ => failure.Message,
    };

    // Loads the provider library the way ORT does and keeps the loader's last line: the file it could not open.
    private static string? LoaderReason()
    {
        var runtime = LoadedOnnxRuntime();
        if (runtime is null)
        {
            return null;
        }

        var provider = Path.Combine(Path.GetDirectoryName(runtime)!, ProviderLibrary);
        if (!File.Exists(provider))
        {
            return $"{provider} does not exist";
        }

        try
        {
            NativeLibrary.Free(NativeLibrary.Load(provider));
            return null;
        }
        catch (DllNotFoundException ex)
        {
            var lines = ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return $"{ProviderLibrary}: {StripPath(lines[^1], provider)}";
        }
    }

    private static string? LoadedOnnxRuntime()
    {
        using var process = Process.GetCurrentProcess();
        return process.Modules.Cast<ProcessModule>()
            .Select(m => m.FileName)
            .FirstOrDefault(f => Path.GetFileName(f) is "libonnxruntime.so" or "libonnxruntime.so.1");
    }

    // dlerror says "PATH: REASON" when the file itself fails and "DEPENDENCY: REASON" when a dependency does.
    private static string StripPath(string line, string provider) =>
        line.StartsWith(provider + ": ", StringComparison.Ordinal) ? line[(provider.Length + 2)..] : line;
}
