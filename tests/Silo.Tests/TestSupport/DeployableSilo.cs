using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Mirage.Tests.Shared;

namespace Mirage.Silo.Tests.TestSupport;

/// <summary>src/Silo's build output run as the service runs: its own process, port and SQLite file.</summary>
public sealed class DeployableSilo : IDisposable
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

    /// <summary>/readyz's answer once it says ready; null when the silo exits or stays unready for 30 s.</summary>
    public async Task<JsonObject?> WaitUntilReady()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 150 && !_process.HasExited; attempt++)
        {
            try
            {
                var ready = await http.GetFromJsonAsync<JsonObject>("/readyz");
                if ((string?)ready?["status"] == "ready")
                {
                    return ready;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or still starting under load: ask again.
            }

            await Task.Delay(200);
        }

        return null;
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
