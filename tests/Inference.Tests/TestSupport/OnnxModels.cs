using Mirage.Inference.Onnx;
using Mirage.Tests.Shared;

namespace Mirage.Inference.Tests.TestSupport;

/// <summary>The repository's models opened on the CPU through the official ONNX Runtime package.</summary>
public static class OnnxModels
{
    public static OnnxModelLoader CpuLoader { get; } = new(new InferenceOptions { Device = InferenceDevice.Cpu });

    public static OnnxInferenceModel Victim(string? inputName = null) =>
        CpuLoader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", "embedding", inputName);

    public static OnnxInferenceModel Surrogate() =>
        CpuLoader.Open(RepositoryFiles.Model("fmnist-cnn-surrogate.onnx"), "probs", null);

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        }

        Assert.True(worst <= tolerance, $"max abs difference {worst:E3} > {tolerance:E1}");
    }
}
