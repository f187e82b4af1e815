using Mirage.Inference.Onnx;

namespace Mirage.Inference.Tests.TestSupport;

/// <summary>The process-wide ONNX Runtime, or a failure that says how to get it (never a skip).</summary>
public static class OnnxLibrary
{
    private static readonly Lazy<OnnxEnvironment> Shared = new(() =>
    {
        var library = OnnxEnvironment.FindLibrary();
        Assert.True(File.Exists(library),
            $"ONNX Runtime is missing at {library}: run scripts/fetch-onnxruntime.sh (scripts/test.sh does).");
        return OnnxEnvironment.Create(library);
    });

    public static OnnxEnvironment Environment => Shared.Value;
}
