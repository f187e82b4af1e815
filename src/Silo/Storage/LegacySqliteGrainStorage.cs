using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Mirage.Silo.Storage;

/// <remarks>For the hand-written runtime only; goes with it (Orleans uses Sql/, Sqlite/, Postgres/).</remarks>
/// <summary>The embedded default: one SQLite file (WAL, so readers never wait for the writer).</summary>
public sealed class LegacySqliteGrainStorage(string path) : LegacySqlGrainStorage
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(path),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    protected override string BlobType => "BLOB";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    protected override bool IsDuplicateKey(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 };
}
