using System.Text.Json;
using Mirage.Grains.Clients;
using Mirage.Silo.Storage.Serialization;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Mirage.Silo.Tests.Storage;

/// <summary>
/// What every grain storage must do for Mirage's grains, run against each provider (SQLite, PostgreSQL,
/// Azure Blob on Azurite) through Orleans' <see cref="IGrainStorage"/> as a silo holds it.
/// </summary>
public abstract class GrainStorageConformance(StorageSilo silo)
{
    protected const string State = "state";

    // Each test its own keys: the store is shared by the class's tests and kept between runs.
    private readonly string _run = Guid.NewGuid().ToString("N");

    protected IGrainStorage Storage => silo.Storage;

    [Fact]
    public async Task Reading_nothing_gives_a_new_state_without_an_etag_or_a_record()
    {
        var read = new GrainState<Counter>(new Counter { Count = 7 }, "not-an-etag") { RecordExists = true };
        await Storage.ReadStateAsync(State, Key("nothing"), read);
        Assert.Equal((0, null, false), (read.State!.Count, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task Reads_back_what_was_written_with_its_etag()
    {
        var written = await CreateAsync(Key("a"), new Counter { Count = 3, Note = "three" });
        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);

        var read = await ReadAsync<Counter>(Key("a"));
        Assert.Equal((3, "three", written.ETag, true), (read.State!.Count, read.State!.Note, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task The_etag_changes_on_every_write()
    {
        var state = await CreateAsync(Key("b"), new Counter { Count = 1 });
        var etags = new List<string?> { state.ETag };
        for (var i = 2; i <= 4; i++)
        {
            state.State!.Count = i;
            await Storage.WriteStateAsync(State, Key("b"), state);
            etags.Add(state.ETag);
        }

        Assert.Equal(4, etags.Distinct().Count());
        Assert.Equal(4, (await ReadAsync<Counter>(Key("b"))).State!.Count);
    }

    [Fact]
    public async Task A_write_on_a_stale_etag_is_refused_and_the_stored_state_kept()
    {
        var first = await CreateAsync(Key("c"), new Counter { Count = 1 });
        var stale = new GrainState<Counter>(new Counter { Count = 99 }, first.ETag);
        first.State!.Count = 2;
        await Storage.WriteStateAsync(State, Key("c"), first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(State, Key("c"), stale));
        Assert.Equal(2, (await ReadAsync<Counter>(Key("c"))).State!.Count);
    }

    [Fact]
    public async Task A_create_where_a_record_exists_is_refused()
    {
        await CreateAsync(Key("d"), new Counter { Count = 1 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => CreateAsync(Key("d"), new Counter { Count = 9 }));
        Assert.Equal(1, (await ReadAsync<Counter>(Key("d"))).State!.Count);
    }

    [Fact]
    public async Task Clear_removes_the_record_and_a_new_create_then_succeeds()
    {
        var state = await CreateAsync(Key("e"), new Counter { Count = 5 });
        await Storage.ClearStateAsync(State, Key("e"), state);
        Assert.Equal((0, false), (state.State!.Count, state.RecordExists));

        var read = await ReadAsync<Counter>(Key("e"));
        Assert.Equal((0, null, false), (read.State!.Count, read.ETag, read.RecordExists));
        await CreateAsync(Key("e"), new Counter { Count = 6 });
        Assert.Equal(6, (await ReadAsync<Counter>(Key("e"))).State!.Count);
    }

    [Fact]
    public async Task A_clear_on_a_stale_etag_is_refused_and_the_record_kept()
    {
        var first = await CreateAsync(Key("f"), new Counter { Count = 1 });
        var stale = new GrainState<Counter>(new Counter(), first.ETag);
        first.State!.Count = 2;
        await Storage.WriteStateAsync(State, Key("f"), first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(State, Key("f"), stale));
        Assert.Equal(2, (await ReadAsync<Counter>(Key("f"))).State!.Count);
    }

    [Fact]
    public async Task Grain_ids_and_state_names_are_independent()
    {
        await CreateAsync(Key("g"), new Counter { Count = 1 });
        await CreateAsync(Key("g"), new Counter { Count = 2 }, "other-state");
        await CreateAsync(Key("h"), new Counter { Count = 3 });
        await CreateAsync(GrainId.Create("tenant", $"{_run}/g"), new Counter { Count = 4 });

        Assert.Equal(1, (await ReadAsync<Counter>(Key("g"))).State!.Count);
        Assert.Equal(2, (await ReadAsync<Counter>(Key("g"), "other-state")).State!.Count);
        Assert.Equal(3, (await ReadAsync<Counter>(Key("h"))).State!.Count);
        Assert.Equal(4, (await ReadAsync<Counter>(GrainId.Create("tenant", $"{_run}/g"))).State!.Count);
    }

    [Fact]
    public async Task Of_parallel_writers_from_one_etag_exactly_one_wins()
    {
        var etag = (await CreateAsync(Key("i"), new Counter { Count = 0 })).ETag;
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await Storage.WriteStateAsync(State, Key("i"), new GrainState<Counter>(new Counter { Count = i }, etag));
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(Array.IndexOf(outcomes, true) + 1, (await ReadAsync<Counter>(Key("i"))).State!.Count);
    }

    [Fact]
    public async Task A_megabyte_binary_state_round_trips_byte_for_byte_and_is_stored_as_its_bytes()
    {
        var bytes = new byte[1 << 20];
        new Random(1).NextBytes(bytes);
        await CreateAsync(Key("big"), new Snapshot { Bytes = bytes });

        Assert.Equal(bytes, (await ReadAsync<Snapshot>(Key("big"))).State!.Bytes);
        // As JSON it would be base64: about 1.4 MB.
        Assert.Equal(bytes.Length, await silo.StoredLengthAsync(State, Key("big")));
    }

    [Fact]
    public async Task A_client_record_round_trips()
    {
        var record = new ClientRecord { Tenant = "acme", Client = "c1", Queries = 1_234, Suspicion = 0.62, RaisedTo = 0.5, Level = 2, LevelName = "deceive" };
        record.History.Add(new(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000), 0.62, 2));
        await CreateAsync(Key("record"), record);

        var read = (await ReadAsync<ClientRecord>(Key("record"))).State;
        Assert.Equal(Json(record), Json(read!));
    }

    [Fact]
    public async Task A_state_that_cannot_be_stored_is_refused_before_the_stored_one_is_replaced()
    {
        // The poison of issue 15: a NaN in the record. The stored record must stay the last good one,
        // with its ETag, so the grain's next write (an override, a reset) still succeeds.
        var state = await CreateAsync(Key("nan"), new ClientRecord { Tenant = "acme", Client = "c1", Queries = 5, Suspicion = 0.4 });
        var goodEtag = state.ETag;
        state.State!.Suspicion = double.NaN;
        state.State.Queries = 6;

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Storage.WriteStateAsync(State, Key("nan"), state));
        Assert.Contains(Chain(refused), e => e is UnstorableGrainStateException);
        Assert.Equal(goodEtag, state.ETag);
        var read = await ReadAsync<ClientRecord>(Key("nan"));
        Assert.Equal((5L, 0.4, goodEtag), (read.State!.Queries, read.State.Suspicion, read.ETag));

        state.State.Suspicion = 0;
        await Storage.WriteStateAsync(State, Key("nan"), state);
        Assert.Equal(6, (await ReadAsync<ClientRecord>(Key("nan"))).State!.Queries);
    }

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
        }
    }

    protected GrainId Key(string client) => GrainId.Create("client", $"{_run}/{client}");

    protected async Task<GrainState<T>> CreateAsync<T>(GrainId grainId, T state, string stateName = State)
    {
        var grainState = new GrainState<T>(state);
        await Storage.WriteStateAsync(stateName, grainId, grainState);
        return grainState;
    }

    protected async Task<GrainState<T>> ReadAsync<T>(GrainId grainId, string stateName = State)
    {
        var grainState = new GrainState<T>();
        await Storage.ReadStateAsync(stateName, grainId, grainState);
        return grainState;
    }

    private static string Json(ClientRecord record) => JsonSerializer.Serialize(record, MirageGrainStateSerializer.JsonOptions);
}
