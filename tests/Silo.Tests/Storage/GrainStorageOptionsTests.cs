using Mirage.Silo.Storage.Hosting;
using Orleans.Runtime;

namespace Mirage.Silo.Tests.Storage;

/// <summary>Bad storage options stop the silo at start-up, with a message that names the provider and the fix.</summary>
public sealed class GrainStorageOptionsTests
{
    [Theory]
    [InlineData("", "Path is empty")]
    [InlineData("/tmp", "is a folder")]
    public async Task A_bad_sqlite_path_stops_the_silo(string path, string problem)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            StorageSilo.StartAsync(silo => silo.AddSqliteGrainStorage("bad", options => options.Path = path)));
        var message = Unwrap<OrleansConfigurationException>(error).Message;
        Assert.StartsWith("SQLite grain storage \"bad\": ", message);
        Assert.Contains(problem, message);
    }

    [Theory]
    [InlineData("", "ConnectionString is empty")]
    [InlineData("Username=postgres;Database=mirage", "names no Host")]
    [InlineData("Hots=127.0.0.1", "is not an Npgsql connection string")]
    public async Task A_bad_postgres_connection_string_stops_the_silo(string connectionString, string problem)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            StorageSilo.StartAsync(silo => silo.AddPostgresGrainStorage("bad", options => options.ConnectionString = connectionString)));
        var message = Unwrap<OrleansConfigurationException>(error).Message;
        Assert.StartsWith("PostgreSQL grain storage \"bad\": ", message);
        Assert.Contains(problem, message);
    }

    private static T Unwrap<T>(Exception error) where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} in {error}");
    }
}
