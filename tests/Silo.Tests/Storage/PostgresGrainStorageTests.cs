using System.Diagnostics;
using Mirage.Silo.Storage;
using Mirage.Tests.Shared;
using Npgsql;

namespace Mirage.Silo.Tests.Storage;

/// <summary>Runs the conformance cases against a real PostgreSQL, started by scripts/postgres.sh.</summary>
public sealed class PostgresGrainStorageTests(PostgresServer server) : GrainStorageConformance, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private PostgresGrainStorage? _storage;
    private string _database = "";

    protected override IGrainStorage Storage => _storage!;

    public async Task InitializeAsync()
    {
        // A fresh database per test, so cases and runs never see each other's rows.
        _database = $"mirage_test_{Guid.NewGuid():N}";
        await server.ExecuteAsync($"CREATE DATABASE {_database}");
        _storage = new PostgresGrainStorage(server.ConnectionString(_database));
        await _storage.InitializeAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _storage!.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }
}

/// <summary>Starts the throwaway PostgreSQL once per test class; fails, never skips, when it cannot.</summary>
public sealed class PostgresServer
{
    private const int Port = 55432;

    public PostgresServer()
    {
        var script = Path.Combine(RepositoryFiles.Root, "scripts", "postgres.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, "start", Port.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"scripts/postgres.sh start failed: {output}");
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
