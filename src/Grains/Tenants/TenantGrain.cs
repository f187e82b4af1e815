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

        var (involved, reason) = watch.Observe(observation.Client, observation.Features, observation.PredictedClasses, observation.Dimensions, observation.At);
        foreach (var client in involved)
        {
            if (state.State.Raised.Add(client))
            {
                state.State.LastReason = reason;
                _dirty = true;
                _ = GrainFactory.GetGrain<IClientGrain>(ClientGrainKey.Of(this.GetPrimaryKeyString(), client)).RaiseAsync(options.RaiseTo, reason!);
            }
        }

        return Task.CompletedTask;
    }

    public Task ReportAsync(ClientSummary summary)
    {
        state.State.Clients[summary.Client] = summary;
        _dirty = true;
        return Task.CompletedTask;
    }

    public Task<ClientPage> ListClientsAsync(ClientSort sort, int limit, int offset)
    {
        // Configured clients that never sent a query are listed too, as clean. This may interleave with
        // a write in progress; one thread still runs the grain, so no report changes the list meanwhile.
        var tenant = this.GetPrimaryKeyString();
        var reported = state.State.Clients;
        var unseen = configured.ClientsOf(tenant).Where(name => !reported.ContainsKey(name))
            .Select(name => new ClientSummary { Tenant = tenant, Client = name, LevelName = "clean" });
        var clients = reported.Values.Concat(unseen).ToList();
        return Task.FromResult(ClientListing.Page(clients, clients.Count, sort, limit, offset));
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
