namespace Mirage.Silo.Tests.Storage;

/// <summary>
/// Azurite on its own ports (scripts/azurite.sh, blob 10310), started for a fixture and stopped after it
/// unless it was already running. Fails, never skips, when it cannot start.
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    private const string PortBase = "10310";

    private readonly bool _startedHere;

    public AzuriteServer()
    {
        _startedHere = !IsRunning();
        ConnectionString = RepositoryScript.Run("azurite.sh", "start", PortBase);
    }

    /// <summary>The explicit connection string of the emulator's development account on these ports.</summary>
    public string ConnectionString { get; }

    public void Dispose()
    {
        if (_startedHere)
        {
            RepositoryScript.Run("azurite.sh", "stop", PortBase);
        }
    }

    private static bool IsRunning()
    {
        try
        {
            RepositoryScript.Run("azurite.sh", "status", PortBase);
            return true;
        }
        catch (Xunit.Sdk.XunitException)
        {
            return false;
        }
    }
}
