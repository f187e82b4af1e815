using Microsoft.Extensions.Logging;
using Mirage.Inference.Onnx;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Tests.Shared;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>Finding and loading the native library, and what the environment says about providers.</summary>
public sealed class OnnxEnvironmentTests
{
    [Fact]
    public void Lists_the_providers_compiled_in()
    {
        var providers = OnnxLibrary.Environment.AvailableProviders();
        Assert.Contains("CPUExecutionProvider", providers);
        Assert.Equal(providers.Count, providers.Distinct().Count());
    }

    [Fact]
    public void A_cuda_failure_is_reported_once_for_all_the_sessions_that_ask()
    {
        var logs = new ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        using var onnx = OnnxEnvironment.Create(OnnxEnvironment.FindLibrary(), loggers);
        var cuda = new OnnxSessionOptions { UseCuda = true };

        using var victim = onnx.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx"), cuda);
        using var surrogate = onnx.OpenSession(RepositoryFiles.Model("fmnist-cnn-surrogate.onnx"), cuda);

        var warning = Assert.Single(logs.Entries, e => e.Message.Contains("CUDA", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.False(string.IsNullOrWhiteSpace(onnx.CudaUnavailableReason));
        Assert.Equal(onnx.CudaUnavailableReason, victim.CudaFallbackReason);
        Assert.Equal(onnx.CudaUnavailableReason, surrogate.CudaFallbackReason);
        Assert.All([victim, surrogate], s => Assert.Equal("CPU", s.ExecutionProvider));
    }

    [Fact]
    public void Sessions_that_do_not_ask_for_cuda_report_no_fallback()
    {
        using var session = OnnxLibrary.Environment.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx"));
        Assert.Equal("CPU", session.ExecutionProvider);
        Assert.Null(session.CudaFallbackReason);
    }
}
