namespace Mirage.Silo.Tests.TestSupport;

/// <summary>One in-memory silo shared by a test class.</summary>
public sealed class SiloFixture : IDisposable
{
    private readonly SiloFactory _factory = new();

    public HttpClient Client(string? key) => _factory.ClientWithKey(key);

    public IServiceProvider Services => _factory.Services;

    public void Dispose() => _factory.Dispose();
}
