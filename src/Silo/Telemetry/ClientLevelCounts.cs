using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Telemetry;

/// <summary>
/// <c>mirage_clients{tenant,level,level_name}</c>: how many of each tenant's clients stand on each rung
/// of its ladder. The tenant grains' read model knows every client's level, but a scrape should not
/// wait on every tenant's list, so the gauge answers from this silo's copy, and a scrape that finds the
/// copy older than <see cref="TelemetryOptions.ClientLevelsRefresh"/> starts one refresh in the background.
/// Nothing is read while nobody scrapes, so idle tenant grains are still collected. Each silo reports the
/// same tenant-wide counts: aggregate silos with max, not sum.
/// </summary>
public sealed partial class ClientLevelCounts
{
    public const string InstrumentName = "mirage.clients";

    // The largest page ListClientsAsync allows (docs/API.md, limit 1-1000).
    private const int PageSize = 1000;

    private readonly IGrainFactory _grains;
    private readonly IReadOnlyList<string> _tenants;
    private readonly TimeSpan _refresh;
    private readonly TimeProvider _time;
    private readonly ILogger<ClientLevelCounts> _logger;
    private volatile Measurement<int>[] _counts = [];
    private long _refreshedAt = long.MinValue;
    private int _refreshing;

    public ClientLevelCounts(
        IGrainFactory grains,
        IOptions<MirageOptions> options,
        IOptions<TelemetryOptions> telemetry,
        MirageMeter meter,
        TimeProvider time,
        ILogger<ClientLevelCounts> logger)
    {
        _grains = grains;
        _tenants = options.Value.Tenants.Select(t => t.Name).ToArray();
        _refresh = telemetry.Value.ClientLevelsRefresh;
        _time = time;
        _logger = logger;
        meter.Meter.CreateObservableGauge(InstrumentName, Observe, "{client}",
            "Clients of each tenant on each level of its ladder, as of the tenant grains' read model.");
    }

    /// <summary>The counts as last read; starts a refresh when they are older than the refresh period.</summary>
    private Measurement<int>[] Observe()
    {
        var now = _time.GetTimestamp();
        var refreshedAt = Interlocked.Read(ref _refreshedAt);
        if ((refreshedAt == long.MinValue || _time.GetElapsedTime(refreshedAt, now) >= _refresh)
            && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }

        return _counts;
    }

    private async Task RefreshAsync()
    {
        try
        {
            var counts = new List<Measurement<int>>();
            foreach (var tenant in _tenants)
            {
                try
                {
                    counts.AddRange(await CountTenantAsync(tenant));
                }
                catch (Exception ex)
                {
                    // The tenant is left out of this round rather than shown stale; the next scrape tries again.
                    LogRefreshFailed(_logger, ex, tenant);
                }
            }

            _counts = counts.ToArray();
            Interlocked.Exchange(ref _refreshedAt, _time.GetTimestamp());
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task<IEnumerable<Measurement<int>>> CountTenantAsync(string tenant)
    {
        var grain = _grains.GetGrain<ITenantGrain>(tenant);
        var levels = new SortedDictionary<(int Level, string Name), int>();
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await grain.ListClientsAsync(ClientSort.Client, PageSize, offset);
            foreach (var client in page.Clients)
            {
                var key = (client.Level, client.LevelName);
                levels[key] = levels.GetValueOrDefault(key) + 1;
            }

            if (page.Clients.Count < PageSize || offset + PageSize >= page.Total)
            {
                break;
            }
        }

        return levels.Select(entry => new Measurement<int>(entry.Value,
            new KeyValuePair<string, object?>("tenant", tenant),
            new("level", entry.Key.Level),
            new("level_name", entry.Key.Name)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the client levels of tenant {Tenant} for mirage_clients")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string tenant);
}
