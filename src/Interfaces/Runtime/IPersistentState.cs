namespace Mirage.Interfaces.Runtime;

/// <summary>
/// A grain's durable state (Orleans' IPersistentState). The runtime reads it before the first turn;
/// writes are compare-and-set on <see cref="ETag"/>: a stale write throws
/// <see cref="InconsistentStateException"/> and the activation is dropped so the next call re-reads.
/// </summary>
public interface IPersistentState<TState> where TState : class, new()
{
    TState State { get; set; }

    /// <summary>Null while nothing is stored.</summary>
    string? ETag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    Task WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
