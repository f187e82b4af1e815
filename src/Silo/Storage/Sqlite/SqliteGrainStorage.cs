using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mirage.Silo.Storage.Options;
using Mirage.Silo.Storage.Sql;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Sqlite;

/// <summary>
/// The embedded default: every grain's state in one SQLite file. WAL, so reads never wait for the
/// writer; synchronous NORMAL, so a commit is durable against a process crash (the usual failure of
/// one silo) without an fsync per write.
/// </summary>
public sealed class SqliteGrainStorage : SqlGrainStorage
{
    // Built on first use: the silo constructs its providers before it validates their options, and an
    // invalid path must reach the validator's message, not throw from here.
    private readonly Lazy<string> _connectionString;

    public SqliteGrainStorage(string name, SqliteGrainStorageOptions options, IActivatorProvider activators)
        : base(name, options.GrainStorageSerializer, activators, options.InitStage) =>
        _connectionString = new(() => ConnectionString(options.Path));

    /// <summary>The factory <c>AddGrainStorage</c> calls, with the options named after the provider.</summary>
    public static SqliteGrainStorage Create(IServiceProvider services, string name) =>
        new(name, services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(name),
            services.GetRequiredService<IActivatorProvider>());

    protected override string BlobType => "BLOB";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString.Value);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    protected override async Task CreateSchemaAsync(DbConnection connection, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        // WAL is a property of the file, kept once set.
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await base.CreateSchemaAsync(connection, statements, cancellationToken);
    }

    private static string ConnectionString(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        return new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Seconds a command retries while another connection holds the write lock.
            DefaultTimeout = 30,
        }.ToString();
    }

    protected override bool IsDuplicateKey(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 /* SQLITE_CONSTRAINT: the primary key, the only one an INSERT can break */ };
}
