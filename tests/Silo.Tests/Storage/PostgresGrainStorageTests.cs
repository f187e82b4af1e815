using Microsoft.Extensions.DependencyInjection;
using Mirage.Silo.Storage.Hosting;
using Mirage.Silo.Storage.Sql;
using Npgsql;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace Mirage.Silo.Tests.Storage;

public sealed class PostgresGrainStorageTests(PostgresStorageSilo silo) : SqlGrainStorageConformance(silo), IClassFixture<PostgresStorageSilo>
{
    private readonly PostgresStorageSilo _silo = silo;

    [Fact]
    public async Task Several_silos_creating_the_schema_at_once_all_start_and_share_it()
    {
        var database = await _silo.CreateDatabaseAsync();
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StorageSilo.StartAsync(s =>
            s.AddPostgresGrainStorage("shared", options => options.ConnectionString = _silo.Server.ConnectionString(database)))));
        try
        {
            var storages = silos.Select(host => host.Services.GetRequiredKeyedService<IGrainStorage>("shared")).ToArray();
            var grainId = GrainId.Create("client", "acme/c1");
            var written = new Orleans.GrainState<Counter>(new Counter { Count = 11 });
            await storages[0].WriteStateAsync("state", grainId, written);

            var read = new Orleans.GrainState<Counter>();
            await storages[2].ReadStateAsync("state", grainId, read);
            Assert.Equal((11, written.ETag), (read.State!.Count, read.ETag));
        }
        finally
        {
            foreach (var host in silos)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }
}

/// <summary>The PostgreSQL provider on a fresh database of the throwaway server (scripts/postgres.sh).</summary>
public sealed class PostgresStorageSilo : StorageSilo
{
    private readonly List<string> _databases = [];
    private string _database = "";

    public PostgresServer Server { get; } = new();

    public async Task<string> CreateDatabaseAsync()
    {
        var database = $"mirage_test_{Guid.NewGuid():N}";
        await Server.ExecuteAsync($"CREATE DATABASE {database}");
        _databases.Add(database);
        return database;
    }

    protected override async Task PrepareAsync() => _database = await CreateDatabaseAsync();

    protected override void AddStorage(ISiloBuilder silo, string name) =>
        silo.AddPostgresGrainStorage(name, options => options.ConnectionString = Server.ConnectionString(_database));

    public override async Task<long> StoredLengthAsync(string stateName, GrainId grainId)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString(_database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT octet_length(payload) FROM {SqlGrainStorage.TableName} WHERE state_name = @state AND grain_id = @grain", connection);
        command.Parameters.AddWithValue("state", stateName);
        command.Parameters.AddWithValue("grain", grainId.ToString());
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    protected override async Task CleanUpAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var database in _databases)
        {
            await Server.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }
}
