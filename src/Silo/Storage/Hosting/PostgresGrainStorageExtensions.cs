using Microsoft.Extensions.DependencyInjection;
using Mirage.Silo.Storage.Options;
using Mirage.Silo.Storage.Postgres;
using Orleans.Hosting;
using Orleans.Providers;

namespace Mirage.Silo.Storage.Hosting;

public static class PostgresGrainStorageExtensions
{
    /// <summary>Grain storage <paramref name="name"/> in a PostgreSQL database several silos share, serialised by Mirage's grain-state serializer.</summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, Action<PostgresGrainStorageOptions> configure) =>
        builder.ConfigureServices(services => services.AddPostgresGrainStorage(name, configure));

    /// <summary>The same as the silo's default grain storage.</summary>
    public static ISiloBuilder AddPostgresGrainStorageAsDefault(this ISiloBuilder builder, Action<PostgresGrainStorageOptions> configure) =>
        builder.AddPostgresGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    public static IServiceCollection AddPostgresGrainStorage(this IServiceCollection services, string name, Action<PostgresGrainStorageOptions> configure) =>
        SqlGrainStorageRegistration.Add(services, name, configure,
            (options, storageName) => new PostgresGrainStorageOptionsValidator(options, storageName), PostgresGrainStorage.Create);
}
