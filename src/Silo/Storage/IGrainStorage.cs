using Mirage.Interfaces.Operators;

namespace Mirage.Silo.Storage;

/// <summary>
/// Durable grain state for the runtime (grains never see it). Writes are compare-and-set on an ETag:
/// a write whose expected ETag is not the stored one throws
/// <see cref="Mirage.Interfaces.Runtime.InconsistentStateException"/>. Client grains store their
/// operator summary beside the state, so "sort all clients by suspicion" is one indexed query.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Creates or migrates the schema; safe to call from several silos at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<StoredGrainState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the state if the stored ETag is <paramref name="expectedETag"/> (null: nothing may be
    /// stored yet) and answers the new ETag. A null <paramref name="summary"/> leaves the summary as it was.
    /// </summary>
    Task<string> WriteAsync(string grainType, string key, ReadOnlyMemory<byte> state, string? expectedETag, ClientSummary? summary,
        CancellationToken cancellationToken);

    /// <summary>Removes the state and its summary; with an ETag, only if it is still the stored one.</summary>
    Task ClearAsync(string grainType, string key, string? expectedETag, CancellationToken cancellationToken);

    Task<ClientPage> ListClientsAsync(string tenant, ClientSort sort, int limit, int offset, CancellationToken cancellationToken);
}

public sealed record StoredGrainState(byte[] State, string ETag);
