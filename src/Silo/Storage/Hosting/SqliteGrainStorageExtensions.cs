using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mirage.Silo.Storage.Options;
using Mirage.Silo.Storage.Sqlite;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Hosting;

public static class SqliteGrainStorageExtensions
{
    /// <summary>Grain storage <paramref name="name"/> in one SQLite file, serialised by Mirage's grain-state serializer.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure) =>
        builder.ConfigureServices(services => services.AddSqliteGrainStorage(name, configure));

    /// <summary>The same as the silo's default grain storage.</summary>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteGrainStorageOptions> configure) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string name, Action<SqliteGrainStorageOptions> configure)
    {
        services.AddOptions<SqliteGrainStorageOptions>(name).Configure(configure);
        services.AddMirageGrainStateSerializer(name);
        services.AddTransient<IPostConfigureOptions<SqliteGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<SqliteGrainStorageOptions>>();
        services.AddTransient<IConfigurationValidator>(sp =>
            new SqliteGrainStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<SqliteGrainStorageOptions>(name);
        return services.AddGrainStorage(name, SqliteGrainStorage.Create);
    }
}
