using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Mirage.Silo.Storage.Sql;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Hosting;

/// <summary>
/// How both SQL providers register, as Orleans' own providers do: named options with a validator the
/// silo runs at start, Mirage's serializer keyed by the provider's name, and the provider as a keyed
/// <see cref="global::Orleans.Storage.IGrainStorage"/> that joins the silo lifecycle (where it creates its schema).
/// </summary>
internal static class SqlGrainStorageRegistration
{
    public static IServiceCollection Add<TOptions, TStorage>(IServiceCollection services, string name, Action<TOptions> configure,
        Func<TOptions, string, IConfigurationValidator> validator, Func<IServiceProvider, string, TStorage> create)
        where TOptions : class, IStorageProviderSerializerOptions
        where TStorage : SqlGrainStorage
    {
        services.AddOptions<TOptions>(name).Configure(configure);
        services.AddMirageGrainStateSerializer(name);
        services.AddTransient<IPostConfigureOptions<TOptions>, DefaultStorageProviderSerializerOptionsConfigurator<TOptions>>();
        services.AddTransient(sp => validator(sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<TOptions>(name);
        return services.AddGrainStorage(name, create);
    }
}
