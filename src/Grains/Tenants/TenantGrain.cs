using Microsoft.Extensions.Logging;
using Mirage.Defense.Monitoring;
using Mirage.Grains.Clients;
using Mirage.Grains.Storage;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;
using Orleans.Runtime;

namespace Mirage.Grains.Tenants;

/// <summary>
/// The per-tenant actor, one in the cluster: runs the tenant's <see cref="TenantWatch"/> over its young
/// keys' queries and raises the keys involved when it fires, and keeps the operators' read model of its
/// clients. Everything arrives one-way from client grains and goes out one-way, so the two kinds of grain
/// never wait on each other. The record is written on a timer when it changed, and on deactivation.
/// </summary>
public sealed class TenantGrain(
    TenantWatchOptions options,
    SuspicionOptions suspicion,
    ClientPersistenceOptions persistence,
    IConfiguredClients configured,
    TimeProvider time,
    [PersistentState("tenant", MirageStorage.Name)] IPersistentState<TenantRecord> state,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    private readonly Dictionary<string, TenantWatch> _watches = new(StringComparer.Ordinal);
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(static (grain, _) => grain.WriteIfChangedAsync(), this,
            new GrainTimerCreationOptions(persistence.WriteEvery, persistence.WriteEvery));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => WriteIfChangedAsync();

    public Task ObserveAsync(TenantObservation observation)
    {
        if (!_watches.TryGetValue(observation.Model, out var watch))
        {
            watch = new TenantWatch(observation.Classes, observation.Dimensions, options, suspicion);
            _watches[observation.Model] = watch;
        }

        var (involved, reason) = watch.Observe(observation.Client, observation.Features, observation.PredictedClasses,
            observation.Dimensions, observation.At, IsRaised);
        var raisedNow = false;
        foreach (var client in involved)
        {
            if (state.State.Raised.Add(client))
            {
                state.State.LastReason = reason;
                _dirty = raisedNow = true;
                _ = GrainFactory.GetGrain<IClientGrain>(ClientGrainKey.Of(this.GetPrimaryKeyString(), client)).RaiseAsync(options.RaiseTo, reason!);
            }
        }

        if (raisedNow)
        {
            // A firing that raised someone new: an alert, or more keys of the current one.
            state.State.Activity.Alert(new SplitAttackAlert(observation.At, observation.Model, reason!, [.. involved]), options.Window);
        }

        return Task.CompletedTask;
    }

    /// <summary>Raised by this watch, or reported at the suspicion where labels change (the replay rule's first senders).</summary>
    private bool IsRaised(string client) =>
        state.State.Raised.Contains(client)
        || (state.State.Clients.TryGetValue(client, out var summary) && summary.Suspicion >= options.ReplayOfSuspicion);

    public Task ReportAsync(ClientSummary summary)
    {
        state.State.Activity.Report(state.State.Clients.GetValueOrDefault(summary.Client), summary, time.GetUtcNow());
        state.State.Clients[summary.Client] = summary;
        _dirty = true;
        return Task.CompletedTask;
    }

    public Task<ClientPage> ListClientsAsync(ClientSort sort, int limit, int offset, ClientFilter? filter = null)
    {
        // Filtered before sorting, so a filtered page costs less than a whole one. This may interleave
        // with a write in progress; one thread still runs the grain, so no report changes the list meanwhile.
        filter ??= ClientFilter.None;
        var kept = new List<ClientSummary>();
        foreach (var client in AllClients())
        {
            if (filter.Keeps(client))
            {
                kept.Add(client);
            }
        }

        return Task.FromResult(ClientListing.Page(kept, kept.Count, sort, limit, offset));
    }

    public Task<TenantOverview> GetOverviewAsync()
    {
        var now = time.GetUtcNow();
        var levels = new SortedDictionary<int, int>();
        var clients = 0;
        foreach (var client in AllClients())
        {
            levels[client.Level] = levels.GetValueOrDefault(client.Level) + 1;
            clients++;
        }

        var activity = state.State.Activity;
        var lastHour = activity.FlagsSince(now - TimeSpan.FromHours(1));
        return Task.FromResult(new TenantOverview(
            clients,
            levels.Select(l => new LevelCount(l.Key, l.Value)).ToList(),
            activity.LastHour(now),
            lastHour.Count,
            lastHour.TakeLast(50).Reverse().ToList(),
            // An alert is a split attack once it holds two keys; the watch may also raise a lone key
            // (its own distances stand low), which its detail shows, and a later key joins that alert.
            activity.Alerts.Where(a => a.Clients.Count > 1).Reverse().ToList()));
    }

    /// <summary>Every client as last reported, and configured clients that never sent a query, as clean.</summary>
    private IEnumerable<ClientSummary> AllClients()
    {
        var tenant = this.GetPrimaryKeyString();
        var reported = state.State.Clients;
        foreach (var summary in reported.Values)
        {
            yield return summary;
        }

        foreach (var name in configured.ClientsOf(tenant))
        {
            if (!reported.ContainsKey(name))
            {
                yield return new ClientSummary { Tenant = tenant, Client = name, LevelName = "clean" };
            }
        }
    }

    public Task<TenantStatus> GetStatusAsync()
    {
        var watch = _watches.Values.FirstOrDefault();
        return Task.FromResult(new TenantStatus(
            _watches.Values.Sum(w => w.Observed),
            watch is null || double.IsNaN(watch.Prada.W) ? 1 : watch.Prada.W,
            watch?.Prada.Flagged ?? false,
            _watches.Values.Sum(w => w.WindowQueries),
            state.State.Raised.ToList(),
            state.State.LastReason));
    }

    private async Task WriteIfChangedAsync()
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _dirty = true;
            logger.LogError(ex, "Tenant {Tenant}: writing its read model failed; retried at the next tick", this.GetPrimaryKeyString());
        }
    }
}
