using System.Data.Common;
using Npgsql;

namespace Mirage.Silo.Storage;

/// <remarks>For the hand-written runtime only; goes with it (Orleans uses Sql/, Sqlite/, Postgres/).</remarks>
/// <summary>The cluster's shared store: PostgreSQL through Npgsql.</summary>
public sealed class LegacyPostgresGrainStorage(string connectionString) : LegacySqlGrainStorage, IAsyncDisposable
{
    // Any fixed number: silos starting together take this lock so only one creates the schema at a time.
    private const long MigrationLock = 0x4D69726167;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    protected override string BlobType => "BYTEA";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override bool IsDuplicateKey(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override async Task MigrateAsync(DbConnection connection, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, [("@lock", MigrationLock)], "SELECT pg_advisory_xact_lock(@lock)", cancellationToken);
        await base.MigrateAsync(connection, statements, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
