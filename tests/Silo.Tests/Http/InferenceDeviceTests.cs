using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Mirage.Inference.Onnx;
using Mirage.Silo.Tests.TestSupport;

namespace Mirage.Silo.Tests.Http;

/// <summary>
/// Mirage:Inference:Device on a machine without CUDA. In memory the silo carries the test's CPU package;
/// the deployable silo (src/Silo's own output, with Microsoft.ML.OnnxRuntime.Gpu) runs as a process.
/// </summary>
public sealed class InferenceDeviceTests
{
    private const string CudaUnavailable = "CUDA execution provider unavailable";

    [Fact]
    public async Task Auto_logs_one_line_runs_on_the_cpu_and_is_ready()
    {
        var logs = new LogLines();
        using var factory = new SiloFactory().With("Mirage:Inference:Device", "auto")
            .WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var client = factory.CreateClient();

        var ready = await client.GetFromJsonAsync<JsonObject>("/readyz");
        client.DefaultRequestHeaders.Authorization = new("Bearer", "demo-admin");  // /metrics is for admins
        var metrics = await client.GetStringAsync("/metrics");

        Assert.Equal("ready", (string?)ready!["status"]);
        Assert.Equal("cpu", (string?)ready["models"]![0]!["device"]);
        // OpenTelemetry's exporter writes the labels in name order.
        Assert.Contains("mirage_model_device{device=\"cpu\",model=\"fmnist-cnn\"} 1", metrics);
        Assert.Single(logs.Lines, l => l.Contains(CudaUnavailable, StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.StartsWith("Model fmnist-cnn loaded", StringComparison.Ordinal) && l.Contains("device: cpu"));
    }

    [Fact]
    public void Cuda_refuses_to_start_with_the_reason()
    {
        using var factory = new SiloFactory().With("Mirage:Inference:Device", "cuda");

        var error = Record.Exception(() => factory.CreateClient());

        var refusal = Assert.IsType<InferenceDeviceUnavailableException>(Innermost(error));
        Assert.Contains("no CUDA execution provider", refusal.Message);
    }

    [Fact]
    public async Task The_deployable_silo_on_auto_says_once_which_cuda_library_is_missing_and_serves_on_the_cpu()
    {
        using var silo = DeployableSilo.Start("auto");

        var ready = await silo.WaitUntilReady();

        Assert.True(ready is not null, $"the silo did not become ready:\n{silo.Output}");
        Assert.Equal("cpu", (string?)ready["models"]![0]!["device"]);
        var warning = Assert.Single(silo.Output.Split('\n'), l => l.Contains(CudaUnavailable, StringComparison.Ordinal));
        Assert.Contains("cannot open shared object file", warning);
        Assert.Contains("device: cpu", silo.Output);
        // ORT's own stderr report of the same failure is kept out of the log.
        Assert.DoesNotContain("provider_bridge_ort", silo.Output);
    }

    [Fact]
    public async Task The_deployable_silo_on_cuda_refuses_to_start_naming_the_missing_library()
    {
        using var silo = DeployableSilo.Start("cuda");

        var exited = await silo.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(exited, $"the silo kept running on Device=cuda:\n{silo.Output}");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains("Mirage:Inference:Device is cuda", silo.Output);
        Assert.Matches(@"lib[\w.]+\.so[.\d]*: cannot open shared object file", silo.Output);
    }

    private static Exception? Innermost(Exception? error)
    {
        while (error is { InnerException: not null } or AggregateException { InnerExceptions.Count: 1 })
        {
            error = error is AggregateException aggregate ? aggregate.InnerExceptions[0] : error.InnerException;
        }

        return error;
    }
}
