using Mirage.Silo.Http;

namespace Mirage.Silo.Storage;

/// <summary>The silo is ready only while its grain storage answers.</summary>
internal sealed class StorageReadinessCheck(IGrainStorage storage) : IReadinessCheck
{
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        try
        {
            await storage.ReadAsync("readiness", "probe", cancellationToken);
            return null;
        }
        catch (Exception ex)
        {
            return $"grain storage unreachable: {ex.Message}";
        }
    }
}
