using System.Data.Common;
using System.Runtime.InteropServices;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Sql;

/// <summary>
/// Orleans grain storage on one SQL table of (state name, grain id) → ETag and serialised state, shared by
/// the SQLite and PostgreSQL providers. Every write is compare-and-set on the ETag: an UPDATE ... WHERE
/// etag = @expected, or for a grain that believes nothing is stored an INSERT the primary key refuses when
/// something is; either refusal is Orleans' <see cref="InconsistentStateException"/>, so the activation is
/// dropped and the next call reloads. ETags are fresh GUIDs, never counters: a counter restarts after a
/// clear, and an ETag read before the clear would then match the new record.
/// </summary>
public abstract class SqlGrainStorage : global::Orleans.Storage.IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    internal const string TableName = "mirage_grain_state";

    private readonly string _name;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly int _initStage;
    private readonly Lock _schemaLock = new();
    private Task? _schema;

    protected SqlGrainStorage(string name, IGrainStorageSerializer serializer, IActivatorProvider activators, int initStage)
    {
        _name = name;
        _serializer = serializer;
        _activators = activators;
        _initStage = initStage;
    }

    /// <summary>The column type of the state (BLOB, BYTEA).</summary>
    protected abstract string BlobType { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>True when the exception is the database refusing a duplicate primary key.</summary>
    protected abstract bool IsDuplicateKey(DbException exception);

    /// <summary>Runs the schema statements; providers shared by several silos serialise them here.</summary>
    protected virtual async Task CreateSchemaAsync(DbConnection connection, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        foreach (var sql in statements)
        {
            await using var command = Command(connection, sql);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Creates the table on first use (or at silo start, whichever is first); a failure is retried by the next call.</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        lock (_schemaLock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                _schema = CreateSchemaAsync(cancellationToken);
            }

            return _schema;
        }
    }

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await CreateSchemaAsync(connection,
        [
            $"""
            CREATE TABLE IF NOT EXISTS {TableName} (
                state_name TEXT NOT NULL,
                grain_id TEXT NOT NULL,
                etag TEXT NOT NULL,
                payload {BlobType} NOT NULL,
                PRIMARY KEY (state_name, grain_id))
            """,
        ], cancellationToken);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{GetType().Name}-{_name}", _initStage, EnsureSchemaAsync);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT etag, payload FROM {TableName} WHERE state_name = @state AND grain_id = @grain");
        AddKey(command, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            var etag = reader.GetString(0);
            var payload = (byte[])reader.GetValue(1);
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload)) ?? CreateState<T>();
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }
        else
        {
            Reset(grainState);
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        var payload = AsArray(_serializer.Serialize(grainState.State));
        var expected = grainState.ETag;
        var etag = Guid.NewGuid().ToString("N");
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, expected is null
            ? $"INSERT INTO {TableName} (state_name, grain_id, etag, payload) VALUES (@state, @grain, @etag, @payload)"
            : $"UPDATE {TableName} SET etag = @etag, payload = @payload WHERE state_name = @state AND grain_id = @grain AND etag = @expected");
        AddKey(command, stateName, grainId);
        Add(command, "@etag", etag);
        Add(command, "@payload", payload);
        int written;
        if (expected is null)
        {
            try
            {
                written = await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (DbException ex) when (IsDuplicateKey(ex))
            {
                throw Inconsistent(stateName, grainId, expected, "was created by another writer first", ex);
            }
        }
        else
        {
            Add(command, "@expected", expected);
            written = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (written != 1)
        {
            throw Inconsistent(stateName, grainId, expected, "changed or was removed since it was read", null);
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <summary>
    /// Removes the record if it is still the one read. A grain that read nothing (no ETag) clears nothing,
    /// and is refused if a record appeared meanwhile, as a write would be.
    /// </summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        var expected = grainState.ETag;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, expected is null
            ? $"SELECT COUNT(*) FROM {TableName} WHERE state_name = @state AND grain_id = @grain"
            : $"DELETE FROM {TableName} WHERE state_name = @state AND grain_id = @grain AND etag = @expected");
        AddKey(command, stateName, grainId);
        bool refused;
        if (expected is null)
        {
            refused = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) != 0;
        }
        else
        {
            Add(command, "@expected", expected);
            refused = await command.ExecuteNonQueryAsync(cancellationToken) != 1;
        }

        if (refused)
        {
            throw Inconsistent(stateName, grainId, expected, "changed since it was read, so it was not cleared", null);
        }

        Reset(grainState);
    }

    private void Reset<T>(IGrainState<T> grainState)
    {
        grainState.State = CreateState<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private T CreateState<T>() => _activators.GetActivator<T>().Create();

    private static InconsistentStateException Inconsistent(string stateName, GrainId grainId, string? expected, string what, Exception? inner) =>
        new($"Grain state {stateName} of {grainId} {what} (expected ETag {expected ?? "none"}).", "unknown", expected, inner);

    /// <summary>The serialiser's array itself when it wraps a whole one (it does for JSON and binary states), else a copy.</summary>
    private static byte[] AsArray(BinaryData data) =>
        MemoryMarshal.TryGetArray(data.ToMemory(), out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void AddKey(DbCommand command, string stateName, GrainId grainId)
    {
        Add(command, "@state", stateName);
        Add(command, "@grain", grainId.ToString());
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
