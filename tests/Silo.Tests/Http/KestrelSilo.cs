using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Silo.Tests.TestSupport;

namespace Mirage.Silo.Tests.Http;

/// <summary>
/// A whole silo behind a real Kestrel on a loopback port (not the in-memory TestServer), so raw sockets
/// can send what no HttpClient would: broken chunked framing, bodies cut short. Its log lines are kept.
/// </summary>
public sealed class KestrelSilo : IDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    /// <summary>Limits high enough that a test's own volume is never throttled: what is tested is the answers.</summary>
    public static readonly (string Key, string Value)[] Unthrottled =
    [
        ("Mirage:Security:RateLimits:Default:RequestsPerSecond", "1000000"),
        ("Mirage:Security:RateLimits:Default:Burst", "1000000"),
        ("Mirage:Security:RateLimits:Tenants:acme:RequestsPerSecond", "1000000"),
        ("Mirage:Security:RateLimits:Tenants:acme:Burst", "1000000"),
        ("Mirage:Security:SignIn:FreeFailures", "1000000"),
    ];

    public KestrelSilo()
        : this(Unthrottled)
    {
    }

    /// <summary>A silo on these settings (the configuration keys of config/demo.json) instead of <see cref="Unthrottled"/>.</summary>
    public static KestrelSilo With(params (string Key, string Value)[] settings) => new(settings);

    private KestrelSilo((string Key, string Value)[] settings)
    {
        // Port 0: the system picks a free one, so test classes (and other silos on the machine) never collide.
        var silo = new SiloFactory().With("urls", "http://127.0.0.1:0");
        foreach (var (key, value) in settings)
        {
            silo.With(key, value);
        }

        // Production, as deployed: Development's exception page would answer some failures itself and hide them.
        _factory = silo.WithWebHostBuilder(builder => builder
            .UseEnvironment("Production")
            .ConfigureLogging(logging => logging.AddProvider(Logs)));
        _factory.UseKestrel();
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public ListLoggerProvider Logs { get; } = new();

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Log lines at Error or above: a hostile request must never produce one.</summary>
    public IReadOnlyList<string> Errors => Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Message).ToList();

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public void Dispose() => _factory.Dispose();
}
