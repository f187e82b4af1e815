using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Telemetry;

/// <summary>
/// <c>mirage_clients{tenant,level,level_name}</c>: how many of each tenant's clients stand on each rung
/// of its ladder. The tenant grains' read model knows every client's level, but a scrape should not
/// page through every tenant's list, so this silo copies the counts on a timer
/// (<see cref="TelemetryOptions.ClientLevelsRefresh"/>) and the gauge answers from the copy. Each silo
/// reports the same tenant-wide counts: aggregate them with max, not sum.
/// </summary>
public sealed partial class ClientLevelCounts : BackgroundService
{
    public const string InstrumentName = "mirage.clients";

    // The largest page ListClientsAsync allows (docs/API.md, limit 1-1000).
    private const int PageSize = 1000;

    private readonly IGrainFactory _grains;
    private readonly IReadOnlyList<string> _tenants;
    private readonly TimeSpan _refresh;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger<ClientLevelCounts> _logger;
    private volatile Measurement<int>[] _counts = [];

    public ClientLevelCounts(
        IGrainFactory grains,
        IOptions<MirageOptions> options,
        IOptions<TelemetryOptions> telemetry,
        MirageMeter meter,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        ILogger<ClientLevelCounts> logger)
    {
        _grains = grains;
        _tenants = options.Value.Tenants.Select(t => t.Name).ToArray();
        _refresh = telemetry.Value.ClientLevelsRefresh;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
        meter.Meter.CreateObservableGauge(InstrumentName, () => _counts, "{client}",
            "Clients of each tenant on each level of its ladder, as of the tenant grain's read model (refreshed on a timer).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grain calls need the silo, which starts with the host: wait for the host to be up.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        using var timer = new PeriodicTimer(_refresh, _time);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        var counts = new List<Measurement<int>>();
        foreach (var tenant in _tenants)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                counts.AddRange(await CountTenantAsync(tenant));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep the tenant's last counts out rather than stale: the gauge shows what was read this round.
                LogRefreshFailed(_logger, ex, tenant);
            }
        }

        _counts = counts.ToArray();
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
