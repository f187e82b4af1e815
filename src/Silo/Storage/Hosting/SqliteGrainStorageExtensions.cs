using Microsoft.Extensions.DependencyInjection;
using Mirage.Silo.Storage.Options;
using Mirage.Silo.Storage.Sqlite;
using Orleans.Hosting;
using Orleans.Providers;

namespace Mirage.Silo.Storage.Hosting;

public static class SqliteGrainStorageExtensions
{
    /// <summary>Grain storage <paramref name="name"/> in one SQLite file, serialised by Mirage's grain-state serializer.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure) =>
        builder.ConfigureServices(services => services.AddSqliteGrainStorage(name, configure));

    /// <summary>The same as the silo's default grain storage.</summary>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteGrainStorageOptions> configure) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string name, Action<SqliteGrainStorageOptions> configure) =>
        SqlGrainStorageRegistration.Add(services, name, configure,
            (options, storageName) => new SqliteGrainStorageOptionsValidator(options, storageName), SqliteGrainStorage.Create);
}
