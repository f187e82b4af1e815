using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Mirage.Inference.Onnx;
using Mirage.Silo.Tests.TestSupport;
using Mirage.Tests.Shared;

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
        var metrics = await client.GetStringAsync("/metrics");

        Assert.Equal("ready", (string?)ready!["status"]);
        Assert.Equal("cpu", (string?)ready["models"]![0]!["device"]);
        Assert.Contains("mirage_model_device{model=\"fmnist-cnn\",device=\"cpu\"} 1", metrics);
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

        Assert.True(ready, $"the silo did not become ready:\n{silo.Output}");
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

    /// <summary>src/Silo's build output run as the service runs: its own process, port and SQLite file.</summary>
    private sealed class DeployableSilo : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();
        private readonly string _database = Path.Combine(Path.GetTempPath(), $"mirage-device-{Guid.NewGuid():N}.db");

        private DeployableSilo(int port, string device)
        {
            Port = port;
            // The tests' own output is bin/CONFIGURATION/net10.0/; the silo's has the same configuration.
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var dll = Path.Combine(RepositoryFiles.Root, "src", "Silo", "bin", configuration, "net10.0", "Mirage.Silo.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first.");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = RepositoryFiles.Root,
            };
            foreach (var argument in new[]
            {
                dll, "--urls", $"http://127.0.0.1:{port}", "--config", Path.Combine(RepositoryFiles.Root, "config", "demo.json"),
                $"--Mirage:Inference:Device={device}", $"--Mirage:Storage:SqlitePath={_database}",
            })
            {
                start.ArgumentList.Add(argument);
            }

            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Port { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public int ExitCode => _process.ExitCode;

        public static DeployableSilo Start(string device)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return new DeployableSilo(port, device);
        }

        public async Task<bool> WaitUntilReady()
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(5) };
            for (var attempt = 0; attempt < 150 && !_process.HasExited; attempt++)
            {
                try
                {
                    var ready = await http.GetFromJsonAsync<JsonObject>("/readyz");
                    if ((string?)ready?["status"] == "ready")
                    {
                        return (string?)ready["models"]![0]!["device"] == "cpu";
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet, or still starting under load: ask again.
                }

                await Task.Delay(200);
            }

            return false;
        }

        public async Task<bool> WaitForExit(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
            foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), Path.GetFileName(_database) + "*"))
            {
                File.Delete(file);
            }
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }

    /// <summary>Every formatted log line of the in-memory silo.</summary>
    private sealed class LogLines : ILoggerProvider
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        private sealed class Logger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception));
                }
            }
        }
    }
}
