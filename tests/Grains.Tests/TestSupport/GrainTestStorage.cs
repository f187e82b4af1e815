using Microsoft.Extensions.DependencyInjection;
using Mirage.Defense.Escalation;
using Mirage.Defense.Monitoring;
using Mirage.Defense.Perturbation;
using Mirage.Grains.Clients;
using Mirage.Grains.Storage;
using Orleans.Serialization;
using Orleans.Runtime;
using Orleans.Storage;

namespace Mirage.Grains.Tests.TestSupport;

/// <summary>
/// The one place the grain tests say what backs the "mirage" grain storage, so the real store can
/// replace the in-memory one here alone, and how a test reads what a grain wrote.
/// </summary>
internal static class GrainTestStorage
{
    public static ISiloBuilder AddMirageTestStorage(this ISiloBuilder silo)
    {
        // Memory storage writes Orleans' Newtonsoft JSON with "$type" and reads back only allow-listed
        // types: the grains' state records are plain classes, so their assembly is allowed, and the
        // domain types they hold.
        silo.Services.AddSerializer(serializer => serializer.Configure(types =>
        {
            types.AddAllowedAssembly(typeof(ClientRecord).Assembly);
            types.AddAllowedType(typeof(EscalationTracker));
            types.AddAllowedType(typeof(UtilityCost));
            types.AddAllowedType(typeof(QuotaUsage));
            types.AddAllowedType(typeof(Dictionary<string, QueryHorizons>));
            types.AddAllowedType(typeof(QueryHorizons));
            types.AddAllowedType(typeof(HorizonCounts));
        }));
        return silo.AddMemoryGrainStorage(MirageStorage.Name);
    }

    /// <summary>The record a grain last wrote under <paramref name="stateName"/>, or null when it wrote none.</summary>
    public static async Task<T?> ReadAsync<T>(IServiceProvider silo, string stateName, GrainId grain) where T : class, new()
    {
        var storage = silo.GetRequiredKeyedService<IGrainStorage>(MirageStorage.Name);
        var state = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain, state);
        return state.RecordExists ? state.State : null;
    }
}
