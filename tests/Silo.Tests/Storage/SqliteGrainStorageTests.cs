using Microsoft.Data.Sqlite;
using Mirage.Silo.Storage.Hosting;
using Mirage.Silo.Storage.Sql;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Mirage.Silo.Tests.Storage;

public sealed class SqliteGrainStorageTests(SqliteStorageSilo silo) : SqlGrainStorageConformance(silo), IClassFixture<SqliteStorageSilo>;

/// <summary>The SQLite provider on a file in a fresh temporary folder.</summary>
public sealed class SqliteStorageSilo : StorageSilo
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"mirage-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_folder, "data", "grains.db");

    protected override void AddStorage(ISiloBuilder silo, string name) =>
        silo.AddSqliteGrainStorage(name, options => options.Path = DatabasePath);

    public override async Task<long> StoredLengthAsync(string stateName, GrainId grainId)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT length(payload) FROM {SqlGrainStorage.TableName} WHERE state_name = $state AND grain_id = $grain";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    protected override Task CleanUpAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
