using Mirage.Silo.Storage;
using Npgsql;

namespace Mirage.Silo.Tests.Storage;

/// <summary>Runs the conformance cases against a real PostgreSQL, started by scripts/postgres.sh.</summary>
public sealed class LegacyPostgresGrainStorageTests(PostgresServer server) : LegacyGrainStorageConformance, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private LegacyPostgresGrainStorage? _storage;
    private string _database = "";

    protected override IGrainStorage Storage => _storage!;

    public async Task InitializeAsync()
    {
        // A fresh database per test, so cases and runs never see each other's rows.
        _database = $"mirage_test_{Guid.NewGuid():N}";
        await server.ExecuteAsync($"CREATE DATABASE {_database}");
        _storage = new LegacyPostgresGrainStorage(server.ConnectionString(_database));
        await _storage.InitializeAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _storage!.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }
}
