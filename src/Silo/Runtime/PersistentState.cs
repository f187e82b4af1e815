using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mirage.Grains.Clients;
using Mirage.Interfaces.Runtime;
using Mirage.Silo.Storage;

namespace Mirage.Silo.Runtime;

/// <summary>A grain's state in an <see cref="IGrainStorage"/>, as compact JSON, written compare-and-set on its ETag.</summary>
internal sealed class PersistentState<TState>(IGrainStorage storage, string grainType, string key) : IPersistentState<TState>
    where TState : class, new()
{
    public TState State { get; set; } = new();

    public string? ETag { get; private set; }

    public bool RecordExists => ETag is not null;

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await storage.ReadAsync(grainType, key, cancellationToken);
        State = stored is null ? new TState() : JsonSerializer.Deserialize<TState>(stored.State, GrainStateJson.Options) ?? new TState();
        ETag = stored?.ETag;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(State, GrainStateJson.Options);
        ETag = await storage.WriteAsync(grainType, key, bytes, ETag, (State as ISummarizedState)?.Summary(), cancellationToken);
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await storage.ClearAsync(grainType, key, ETag, cancellationToken);
        State = new TState();
        ETag = null;
    }
}

/// <summary>
/// The options every grain state is written with: source-generated metadata where a grain provides it
/// (<see cref="ClientRecordJson"/>), reflection for any other state type.
/// </summary>
internal static class GrainStateJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        IncludeFields = true,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ClientRecordJson.Default, new DefaultJsonTypeInfoResolver()),
    };
}

internal sealed class PersistentStateFactory(IGrainStorage storage) : IPersistentStateFactory
{
    public IPersistentState<TState> Create<TState>(string grainType, string key) where TState : class, new() =>
        new PersistentState<TState>(storage, grainType, key);
}
