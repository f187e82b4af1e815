using Orleans;
using Orleans.Storage;

namespace Mirage.Silo.Tests.Storage;

/// <summary>
/// What our SQL providers promise beyond the common cases. Orleans' blob storage does not refuse a clear
/// without an ETag (Azurite deletes on it), so this stays out of <see cref="GrainStorageConformance"/>.
/// </summary>
public abstract class SqlGrainStorageConformance(StorageSilo silo) : GrainStorageConformance(silo)
{
    [Fact]
    public async Task A_clear_without_an_etag_while_a_record_exists_is_refused()
    {
        await CreateAsync(Key("unread"), new Counter { Count = 1 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(State, Key("unread"), new GrainState<Counter>(new Counter())));
        Assert.Equal(1, (await ReadAsync<Counter>(Key("unread"))).State!.Count);
    }
}
