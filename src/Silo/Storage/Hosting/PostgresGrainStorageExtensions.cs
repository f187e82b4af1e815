using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mirage.Silo.Storage.Options;
using Mirage.Silo.Storage.Postgres;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Hosting;

public static class PostgresGrainStorageExtensions
{
    /// <summary>Grain storage <paramref name="name"/> in a PostgreSQL database several silos share, serialised by Mirage's grain-state serializer.</summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, Action<PostgresGrainStorageOptions> configure) =>
        builder.ConfigureServices(services => services.AddPostgresGrainStorage(name, configure));

    /// <summary>The same as the silo's default grain storage.</summary>
    public static ISiloBuilder AddPostgresGrainStorageAsDefault(this ISiloBuilder builder, Action<PostgresGrainStorageOptions> configure) =>
        builder.AddPostgresGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    public static IServiceCollection AddPostgresGrainStorage(this IServiceCollection services, string name, Action<PostgresGrainStorageOptions> configure)
    {
        services.AddOptions<PostgresGrainStorageOptions>(name).Configure(configure);
        services.AddMirageGrainStateSerializer(name);
        services.AddTransient<IPostConfigureOptions<PostgresGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<PostgresGrainStorageOptions>>();
        services.AddTransient<IConfigurationValidator>(sp =>
            new PostgresGrainStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<PostgresGrainStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<PostgresGrainStorageOptions>(name);
        return services.AddGrainStorage(name, PostgresGrainStorage.Create);
    }
}
