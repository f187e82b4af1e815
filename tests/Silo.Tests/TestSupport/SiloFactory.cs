using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Mirage.Tests.Shared;

namespace Mirage.Silo.Tests.TestSupport;

/// <summary>A whole silo in memory, on the repository's demo configuration and real model.</summary>
public sealed class SiloFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new();

    public SiloFactory With(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    private readonly Lock _starting = new();

    public HttpClient ClientWithKey(string? key)
    {
        HttpClient client;
        lock (_starting)
        {
            // The first client starts the server; concurrent first calls would race it.
            client = CreateClient();
        }

        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>This silo's own SQLite file, so tests and runs never see each other's clients.</summary>
    public string DatabasePath { get; init; } = Path.Combine(Path.GetTempPath(), $"mirage-test-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("config", Path.Combine(RepositoryFiles.Root, "config", "demo.json"));
        builder.UseSetting("Mirage:Storage:SqlitePath", DatabasePath);
        // Several silos run in one test process: each takes free Orleans ports.
        builder.UseSetting("Mirage:Cluster:SiloPort", "0");
        builder.UseSetting("Mirage:Cluster:GatewayPort", "0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
