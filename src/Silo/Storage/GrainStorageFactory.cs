using Mirage.Silo.Configuration;

namespace Mirage.Silo.Storage;

public static class GrainStorageFactory
{
    /// <summary>The configured provider, its schema created or migrated before the silo takes traffic.</summary>
    public static IGrainStorage Create(StorageOptions options)
    {
        IGrainStorage storage = options.Provider.ToLowerInvariant() switch
        {
            "sqlite" => new LegacySqliteGrainStorage(options.SqlitePath),
            "postgres" => new LegacyPostgresGrainStorage(options.Postgres is { Length: > 0 } connection
                ? connection
                : throw new InvalidOperationException("Storage provider \"postgres\" needs Mirage:Storage:Postgres (an Npgsql connection string).")),
            _ => throw new InvalidOperationException($"Storage provider \"{options.Provider}\" is unknown; use \"sqlite\" or \"postgres\"."),
        };
        storage.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        return storage;
    }
}
