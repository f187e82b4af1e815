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

    public HttpClient ClientWithKey(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("config", Path.Combine(RepositoryFiles.Root, "config", "demo.json"));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
