using Npgsql;

namespace Mirage.Silo.Tests.Storage;

/// <summary>Starts the throwaway PostgreSQL once per test class; fails, never skips, when it cannot.</summary>
public sealed class PostgresServer
{
    private const int Port = 55432;

    public PostgresServer() => RepositoryScript.Run("postgres.sh", "start", Port.ToString());

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
