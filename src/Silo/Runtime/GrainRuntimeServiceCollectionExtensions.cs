using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mirage.Interfaces.Runtime;

namespace Mirage.Silo.Runtime;

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>Adds the grain runtime as the process's <see cref="IGrainFactory"/> and hosted service.</summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrainTypeRegistry>();
        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddHostedService(sp => sp.GetRequiredService<GrainRuntime>());
        return services;
    }

    public static IServiceCollection AddGrain<TInterface, TGrain>(this IServiceCollection services)
        where TInterface : IGrainWithStringKey
        where TGrain : Grain, TInterface
    {
        services.AddSingleton(new GrainRegistration(registry => registry.Register<TInterface, TGrain>()));
        return services;
    }
}

/// <summary>A deferred registration, applied when the registry is built.</summary>
public sealed record GrainRegistration(Action<GrainTypeRegistry> Apply);
