using Mirage.Defense.Monitoring;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Runtime;
using Mirage.Interfaces.Tenants;

namespace Mirage.Grains.Tenants;

/// <summary>
/// The per-tenant actor: runs the tenant's <see cref="TenantWatch"/> over its young keys' queries and
/// raises the keys involved when it fires. Raises are sent without waiting (client grains send here
/// without waiting too, so the two never wait on each other).
/// </summary>
public sealed class TenantGrain(TenantWatchOptions options, SuspicionOptions suspicion) : Grain, ITenantGrain
{
    private readonly Dictionary<string, TenantWatch> _watches = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _raised = new(StringComparer.Ordinal);
    private string? _lastReason;

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
            if (_raised.Add(client))
            {
                _lastReason = reason;
                _ = GrainFactory.GetGrain<IClientGrain>(ClientGrainKey.Of(GrainKey, client)).RaiseAsync(options.RaiseTo, reason!);
            }
        }

        return Task.CompletedTask;
    }

    public Task<TenantStatus> GetStatusAsync()
    {
        var watch = _watches.Values.FirstOrDefault();
        return Task.FromResult(new TenantStatus(
            _watches.Values.Sum(w => w.Observed),
            watch is null || double.IsNaN(watch.Prada.W) ? 1 : watch.Prada.W,
            watch?.Prada.Flagged ?? false,
            _watches.Values.Sum(w => w.WindowQueries),
            _raised.ToList(),
            _lastReason));
    }
}
