using Npgsql;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Options;

/// <summary>The grain storage several silos share: one PostgreSQL database.</summary>
public sealed class PostgresGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>An Npgsql connection string, e.g. Host=127.0.0.1;Port=55432;Username=postgres;Database=mirage.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The silo lifecycle stage at which the schema is created, before grains can read.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <inheritdoc/>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}

/// <summary>Refuses a silo start on a connection string that cannot name a server.</summary>
internal sealed class PostgresGrainStorageOptionsValidator(PostgresGrainStorageOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        string? problem;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            problem = "ConnectionString is empty; give an Npgsql connection string, e.g. Host=127.0.0.1;Username=postgres;Database=mirage";
        }
        else
        {
            try
            {
                problem = string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(options.ConnectionString).Host)
                    ? "ConnectionString names no Host"
                    : null;
            }
            catch (ArgumentException ex)
            {
                problem = $"ConnectionString is not an Npgsql connection string ({ex.Message})";
            }
        }

        problem ??= GrainStorageStage.Problem(options.InitStage);
        if (problem is not null)
        {
            throw new OrleansConfigurationException($"PostgreSQL grain storage \"{name}\": {problem}.");
        }
    }
}
