using Microsoft.Extensions.DependencyInjection;
using Mirage.Defense.Escalation;
using Mirage.Grains.Audit;
using Mirage.Defense.Monitoring;
using Mirage.Grains.Clients;
using Mirage.Grains.Tenants;
using Mirage.Inference;
using Orleans.TestingHost;

namespace Mirage.Grains.Tests.TestSupport;

/// <summary>What a test cluster's silos are given; each silo gets the same, as the silo host registers them.</summary>
internal sealed record MirageClusterSettings
{
    public short Silos { get; init; } = 1;

    public ClientPersistenceOptions Persistence { get; init; } = new();

    public TenantWatchOptions TenantWatch { get; init; } = new();

    public SuspicionOptions Suspicion { get; init; } = new();

    public IReadOnlyDictionary<string, EscalationLadder> Ladders { get; init; } = new Dictionary<string, EscalationLadder>();

    public IReadOnlyDictionary<string, UsageQuota> Quotas { get; init; } = new Dictionary<string, UsageQuota>();

    public IReadOnlyDictionary<string, string[]> ConfiguredClients { get; init; } = new Dictionary<string, string[]>();

    public AuditOptions Audit { get; init; } = AuditOptions.Default;

    /// <summary>Builds each silo's own model catalog (every silo runs its own inference pools).</summary>
    public Func<ModelCatalog> Models { get; init; } = () => new ModelCatalog([]);
}

/// <summary>Starts in-process silos with the grains' dependencies registered the way the silo host does.</summary>
internal static class MirageCluster
{
    public static async Task<InProcessTestCluster> StartAsync(MirageClusterSettings settings, TenantCallCounter? tenantCalls = null)
    {
        var builder = new InProcessTestClusterBuilder(settings.Silos);
        builder.ConfigureSilo((_, silo) =>
        {
            var services = silo.Services;
            services.AddSingleton(TimeProvider.System);
            var ladders = new EscalationLadders(settings.Ladders);
            services.AddSingleton(ladders);
            services.AddSingleton(new UsageQuotas(settings.Quotas, ladders));
            services.AddSingleton(settings.Suspicion);
            services.AddSingleton<FeatureSpaces>();
            services.AddSingleton(settings.TenantWatch);
            services.AddSingleton(settings.Persistence);
            services.AddSingleton(settings.Audit);
            services.AddSingleton<LocalDefenses>();
            services.AddSingleton<IConfiguredClients>(new StaticConfiguredClients(settings.ConfiguredClients));
            services.AddSingleton(_ => settings.Models());
            silo.AddMirageTestStorage();
            if (tenantCalls is not null)
            {
                silo.AddIncomingGrainCallFilter(tenantCalls.Filter);
            }
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
