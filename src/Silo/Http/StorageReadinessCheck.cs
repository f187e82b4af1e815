using Mirage.Grains.Storage;
using Orleans.Storage;

namespace Mirage.Silo.Http;

/// <summary>
/// Readiness of the grain storage every grain's state lives in: one read of a record nobody writes,
/// through the same <see cref="IGrainStorage"/> the grains use (SQLite or Azure Blob alike), so a store
/// that does not answer makes the silo unready before grains start failing their writes.
/// </summary>
public sealed class StorageReadinessCheck(IServiceProvider services, ILogger<StorageReadinessCheck> logger) : IReadinessCheck
{
    private static readonly GrainId Probe = GrainId.Create("readiness", "probe");

    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        try
        {
            var storage = services.GetRequiredKeyedService<IGrainStorage>(MirageStorage.Name);
            await storage.ReadStateAsync("readiness", Probe, new GrainState<ReadinessProbe>()).WaitAsync(cancellationToken);
            return null;
        }
        catch (Exception ex)
        {
            // The answer is anonymous: the reason (which may name hosts or paths) goes to the log only.
            logger.LogWarning(ex, "Readiness: grain storage \"{Storage}\" did not answer a read", MirageStorage.Name);
            return ex is OperationCanceledException or TimeoutException
                ? $"grain storage \"{MirageStorage.Name}\" did not answer in time"
                : $"grain storage \"{MirageStorage.Name}\" is not reachable";
        }
    }

    /// <summary>The probe's state type; never written.</summary>
    public sealed class ReadinessProbe;
}
