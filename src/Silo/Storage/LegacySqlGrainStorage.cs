using System.Data.Common;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Runtime;

namespace Mirage.Silo.Storage;

/// <remarks>For the hand-written runtime only; goes with it (Orleans uses Sql/, Sqlite/, Postgres/).</remarks>
/// <summary>
/// The storage logic both SQL providers share: one table of (grain type, key) → ETag, state blob, and
/// the client summary in plain columns with an index on (tenant, suspicion). Compare-and-set is one
/// UPDATE ... WHERE etag = @expected; a create is an INSERT that the primary key refuses twice.
/// </summary>
public abstract class LegacySqlGrainStorage : IGrainStorage
{
    private const string Columns = "tenant, client, suspicion, level, level_name, queries, flagged, last_seen_ms";

    /// <summary>The column type of the state blob (BLOB, BYTEA).</summary>
    protected abstract string BlobType { get; }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>True when the exception is the database refusing a duplicate primary key.</summary>
    protected abstract bool IsDuplicateKey(DbException exception);

    /// <summary>Runs the schema statements, serialised against other silos where the database allows.</summary>
    protected virtual async Task MigrateAsync(DbConnection connection, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        foreach (var sql in statements)
        {
            await ExecuteAsync(connection, null, sql, cancellationToken);
        }
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await MigrateAsync(connection,
        [
            $"""
            CREATE TABLE IF NOT EXISTS mirage_grains (
                grain_type TEXT NOT NULL,
                grain_key TEXT NOT NULL,
                etag TEXT NOT NULL,
                state {BlobType} NOT NULL,
                tenant TEXT NULL,
                client TEXT NULL,
                suspicion DOUBLE PRECISION NULL,
                level INTEGER NULL,
                level_name TEXT NULL,
                queries BIGINT NULL,
                flagged INTEGER NULL,
                last_seen_ms BIGINT NULL,
                PRIMARY KEY (grain_type, grain_key))
            """,
            "CREATE INDEX IF NOT EXISTS ix_mirage_grains_tenant_suspicion ON mirage_grains (tenant, suspicion DESC)",
            "CREATE TABLE IF NOT EXISTS mirage_schema (version INTEGER NOT NULL)",
            "INSERT INTO mirage_schema (version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM mirage_schema)",
        ], cancellationToken);
    }

    public async Task<StoredGrainState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT state, etag FROM mirage_grains WHERE grain_type = @type AND grain_key = @key",
            ("@type", grainType), ("@key", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredGrainState((byte[])reader.GetValue(0), reader.GetString(1))
            : null;
    }

    public async Task<string> WriteAsync(string grainType, string key, ReadOnlyMemory<byte> state, string? expectedETag,
        ClientSummary? summary, CancellationToken cancellationToken)
    {
        var etag = Guid.NewGuid().ToString("N");
        var summaryValues = SummaryParameters(summary);
        await using var connection = await OpenAsync(cancellationToken);
        if (expectedETag is null)
        {
            try
            {
                await ExecuteAsync(connection, [("@type", grainType), ("@key", key), ("@etag", etag), ("@state", state.ToArray()), .. summaryValues],
                    $"INSERT INTO mirage_grains (grain_type, grain_key, etag, state, {Columns}) " +
                    "VALUES (@type, @key, @etag, @state, @tenant, @client, @suspicion, @level, @level_name, @queries, @flagged, @last_seen_ms)",
                    cancellationToken);
            }
            catch (DbException ex) when (IsDuplicateKey(ex))
            {
                throw new InconsistentStateException($"{grainType}/{key} was created by someone else first.");
            }

            return etag;
        }

        var updated = await ExecuteAsync(connection,
            [("@type", grainType), ("@key", key), ("@etag", etag), ("@expected", expectedETag), ("@state", state.ToArray()), ("@has_summary", summary is null ? 0 : 1), .. summaryValues],
            """
            UPDATE mirage_grains SET etag = @etag, state = @state,
                tenant = CASE WHEN @has_summary = 1 THEN @tenant ELSE tenant END,
                client = CASE WHEN @has_summary = 1 THEN @client ELSE client END,
                suspicion = CASE WHEN @has_summary = 1 THEN @suspicion ELSE suspicion END,
                level = CASE WHEN @has_summary = 1 THEN @level ELSE level END,
                level_name = CASE WHEN @has_summary = 1 THEN @level_name ELSE level_name END,
                queries = CASE WHEN @has_summary = 1 THEN @queries ELSE queries END,
                flagged = CASE WHEN @has_summary = 1 THEN @flagged ELSE flagged END,
                last_seen_ms = CASE WHEN @has_summary = 1 THEN @last_seen_ms ELSE last_seen_ms END
            WHERE grain_type = @type AND grain_key = @key AND etag = @expected
            """, cancellationToken);
        return updated == 1
            ? etag
            : throw new InconsistentStateException($"{grainType}/{key} changed since it was read (expected ETag {expectedETag}).");
    }

    public async Task ClearAsync(string grainType, string key, string? expectedETag, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var removed = expectedETag is null
            ? await ExecuteAsync(connection, [("@type", grainType), ("@key", key)],
                "DELETE FROM mirage_grains WHERE grain_type = @type AND grain_key = @key", cancellationToken)
            : await ExecuteAsync(connection, [("@type", grainType), ("@key", key), ("@expected", expectedETag)],
                "DELETE FROM mirage_grains WHERE grain_type = @type AND grain_key = @key AND etag = @expected", cancellationToken);
        if (removed == 0 && expectedETag is not null)
        {
            throw new InconsistentStateException($"{grainType}/{key} changed since it was read (expected ETag {expectedETag}).");
        }
    }

    public async Task<ClientPage> ListClientsAsync(string tenant, ClientSort sort, int limit, int offset, CancellationToken cancellationToken)
    {
        var order = sort switch
        {
            ClientSort.Queries => "queries DESC, client",
            ClientSort.LastSeen => "last_seen_ms DESC, client",
            ClientSort.Client => "client",
            _ => "suspicion DESC, client",
        };
        await using var connection = await OpenAsync(cancellationToken);
        var clients = new List<ClientSummary>();
        await using (var command = Command(connection,
            $"SELECT {Columns} FROM mirage_grains WHERE tenant = @tenant ORDER BY {order} LIMIT @limit OFFSET @offset",
            ("@tenant", tenant), ("@limit", limit), ("@offset", offset)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                clients.Add(new ClientSummary
                {
                    Tenant = reader.GetString(0),
                    Client = reader.GetString(1),
                    Suspicion = reader.GetDouble(2),
                    Level = reader.GetInt32(3),
                    LevelName = reader.GetString(4),
                    Queries = reader.GetInt64(5),
                    Flagged = reader.GetInt32(6) != 0,
                    LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                });
            }
        }

        await using var count = Command(connection, "SELECT COUNT(*) FROM mirage_grains WHERE tenant = @tenant", ("@tenant", tenant));
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken));
        return new ClientPage(clients, total);
    }

    protected static async Task<int> ExecuteAsync(DbConnection connection, (string Name, object? Value)[]? parameters, string sql,
        CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, parameters ?? []);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static (string, object?)[] SummaryParameters(ClientSummary? s) =>
    [
        ("@tenant", s?.Tenant), ("@client", s?.Client), ("@suspicion", s?.Suspicion), ("@level", s?.Level),
        ("@level_name", s?.LevelName), ("@queries", s?.Queries), ("@flagged", s is null ? null : s.Flagged ? 1 : 0),
        ("@last_seen_ms", s?.LastSeen.ToUnixTimeMilliseconds()),
    ];
}
