using Microsoft.Extensions.Logging;
using Mirage.Inference.Onnx;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Tests.Shared;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>
/// Device choice where CUDA cannot load. Tests carry the CPU package, whose library has no CUDA entry
/// point at all (the silo's Gpu package fails on a missing CUDA library instead: tests/Silo.Tests covers it).
/// </summary>
public sealed class InferenceDeviceTests
{
    [Fact]
    public void Auto_warns_once_for_all_models_and_runs_them_on_the_cpu()
    {
        var logs = new ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var loader = new OnnxModelLoader(new InferenceOptions { Device = InferenceDevice.Auto }, loggers.CreateLogger("models"));

        using var victim = loader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", "embedding");
        using var surrogate = loader.Open(RepositoryFiles.Model("fmnist-cnn-surrogate.onnx"), "probs", null);
        var probabilities = new float[Classes];
        victim.Run(Inputs.AsSpan(0, Pixels), 1, probabilities, default);

        var warning = Assert.Single(logs.Entries, e => e.Message.Contains("CUDA", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal($"CUDA execution provider unavailable ({loader.CudaUnavailableReason}); models run on the CPU", warning.Message);
        Assert.Contains("no CUDA execution provider", loader.CudaUnavailableReason);
        Assert.All([victim, surrogate], m => Assert.Equal(OnnxModelLoader.Cpu, m.Device));
        OnnxModels.AssertClose(Probabilities.AsSpan(0, Classes), probabilities, 1e-5);
    }

    [Fact]
    public void Cuda_refuses_every_model_with_the_reason_and_how_to_run_on_the_cpu()
    {
        var logs = new ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var loader = new OnnxModelLoader(new InferenceOptions { Device = InferenceDevice.Cuda, CudaDeviceId = 0 }, loggers.CreateLogger("models"));

        var first = Assert.Throws<InferenceDeviceUnavailableException>(() => loader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", null));
        var second = Assert.Throws<InferenceDeviceUnavailableException>(() => loader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", null));

        Assert.Contains("Device is cuda", first.Message);
        Assert.Contains("CPU package Microsoft.ML.OnnxRuntime", first.Reason);
        Assert.Contains(first.Reason, first.Message);
        Assert.Contains("auto or cpu", first.Message);
        Assert.Equal(first.Message, second.Message);
        Assert.Empty(logs.Entries);
    }

    [Fact]
    public void Cpu_never_tries_cuda()
    {
        var logs = new ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var loader = new OnnxModelLoader(new InferenceOptions { Device = InferenceDevice.Cpu }, loggers.CreateLogger("models"));

        using var model = loader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", null);

        Assert.Equal(OnnxModelLoader.Cpu, model.Device);
        Assert.Null(loader.CudaUnavailableReason);
        Assert.Empty(logs.Entries);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(1, -1)]
    public void Negative_thread_counts_are_refused(int intraOp, int interOp)
    {
        var loader = new OnnxModelLoader(new InferenceOptions { Device = InferenceDevice.Cpu, IntraOpThreads = intraOp, InterOpThreads = interOp });
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", null));
    }
}
