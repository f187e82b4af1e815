using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mirage.Silo.Storage.Options;
using Mirage.Silo.Storage.Sql;
using Npgsql;
using Orleans.Serialization.Serializers;

namespace Mirage.Silo.Storage.Postgres;

/// <summary>Grain state that several silos share: one PostgreSQL database through Npgsql's pooled data source.</summary>
public sealed class PostgresGrainStorage : SqlGrainStorage, IAsyncDisposable
{
    // Any fixed number: silos starting together take this lock, so one creates the table while the others
    // wait (concurrent CREATE TABLE IF NOT EXISTS can still collide on PostgreSQL's catalog).
    private const long SchemaLock = 0x4D69726167;

    // Built on first use: the silo constructs its providers before it validates their options.
    private readonly Lazy<NpgsqlDataSource> _dataSource;

    public PostgresGrainStorage(string name, PostgresGrainStorageOptions options, IActivatorProvider activators)
        : base(name, options.GrainStorageSerializer, activators, options.InitStage) =>
        _dataSource = new(() => NpgsqlDataSource.Create(options.ConnectionString));

    /// <summary>The factory <c>AddGrainStorage</c> calls, with the options named after the provider.</summary>
    public static PostgresGrainStorage Create(IServiceProvider services, string name) =>
        new(name, services.GetRequiredService<IOptionsMonitor<PostgresGrainStorageOptions>>().Get(name),
            services.GetRequiredService<IActivatorProvider>());

    protected override string BlobType => "BYTEA";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.Value.OpenConnectionAsync(cancellationToken);

    protected override bool IsDuplicateKey(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override async Task CreateSchemaAsync(DbConnection connection, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLock})";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await base.CreateSchemaAsync(connection, statements, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.IsValueCreated ? _dataSource.Value.DisposeAsync() : ValueTask.CompletedTask;
}
