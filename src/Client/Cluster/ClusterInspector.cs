using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Tenants;

namespace Mirage.Client.Cluster;

/// <summary>
/// Reads the cluster through Orleans' management grain: the silos and their membership status, then each
/// active silo's activations (asked of each silo on its own, so a dead silo that is not yet evicted makes
/// its own row unreachable instead of failing the whole sample).
/// </summary>
internal sealed class ClusterInspector(IGrainFactory grains)
{
    public async Task<ClusterReport> SampleAsync(IReadOnlyList<string> clientKeys, IReadOnlyList<string> tenants)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: false);
        var watched = clientKeys.Select(key => ($"client {key}", grains.GetGrain<IClientGrain>(key).GetGrainId()))
            .Concat(tenants.Select(tenant => ($"tenant {tenant}", grains.GetGrain<ITenantGrain>(tenant).GetGrainId())))
            .ToList();

        var silos = hosts.OrderBy(h => h.Key.ToString(), StringComparer.Ordinal).ToList();
        var samples = await Task.WhenAll(silos.Select(h => StatisticsOfAsync(management, h.Key, h.Value)));
        var reports = new List<SiloReport>(silos.Count);
        var placements = watched.ToDictionary(w => w.Item2, _ => new List<string>());
        foreach (var (silo, status, statistics, error) in samples)
        {
            var name = silo.ToParsableString();
            var (system, grainsOnSilo) = Partition(statistics ?? []);
            reports.Add(new SiloReport(name, status.ToString(), error is null && statistics is not null, error, system,
                grainsOnSilo.GroupBy(s => ShortTypeName(s.GrainType))
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count())));
            foreach (var statistic in statistics ?? [])
            {
                if (placements.TryGetValue(statistic.GrainId, out var on))
                {
                    on.Add(name);
                }
            }
        }

        var grainReports = watched.Select(w => new GrainReport(w.Item1, placements[w.Item2].Count, placements[w.Item2])).ToList();
        return new ClusterReport(DateTimeOffset.UtcNow, reports, grainReports);
    }

    private static async Task<(SiloAddress Silo, SiloStatus Status, DetailedGrainStatistic[]? Statistics, string? Error)> StatisticsOfAsync(
        IManagementGrain management, SiloAddress silo, SiloStatus status)
    {
        if (status != SiloStatus.Active)
        {
            return (silo, status, null, null);
        }

        try
        {
            return (silo, status, await management.GetDetailedGrainStatistics(null, [silo]), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (silo, status, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Orleans' own activations (system targets, its directory and management grains) apart from the application's.</summary>
    private static (int System, List<DetailedGrainStatistic> Grains) Partition(DetailedGrainStatistic[] statistics)
    {
        var grains = statistics.Where(s => !s.GrainType.StartsWith("Orleans.", StringComparison.Ordinal)).ToList();
        return (statistics.Length - grains.Count, grains);
    }

    /// <summary>"Mirage.Grains.Clients.ClientGrain, Mirage.Grains" → "ClientGrain".</summary>
    internal static string ShortTypeName(string grainType)
    {
        var comma = grainType.IndexOf(',');
        var fullName = comma < 0 ? grainType : grainType[..comma];
        return fullName[(fullName.LastIndexOf('.') + 1)..].Trim();
    }
}
