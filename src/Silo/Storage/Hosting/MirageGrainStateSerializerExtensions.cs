using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mirage.Silo.Storage.Serialization;
using Orleans.Hosting;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Hosting;

public static class MirageGrainStateSerializerExtensions
{
    /// <summary>
    /// Makes <see cref="MirageGrainStateSerializer"/> the serializer of the storage provider
    /// <paramref name="storageName"/>, whichever provider that is (ours, or Orleans' Azure Blob storage):
    /// Orleans gives a provider the serializer registered under its name before the silo's default.
    /// </summary>
    public static IServiceCollection AddMirageGrainStateSerializer(this IServiceCollection services, string storageName)
    {
        services.TryAddSingleton<MirageGrainStateSerializer>();
        services.AddKeyedSingleton<IGrainStorageSerializer>(storageName, (sp, _) => sp.GetRequiredService<MirageGrainStateSerializer>());
        return services;
    }

    /// <inheritdoc cref="AddMirageGrainStateSerializer(IServiceCollection, string)"/>
    public static ISiloBuilder AddMirageGrainStateSerializer(this ISiloBuilder builder, string storageName) =>
        builder.ConfigureServices(services => services.AddMirageGrainStateSerializer(storageName));
}
