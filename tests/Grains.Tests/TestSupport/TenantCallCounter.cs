using System.Collections.Concurrent;
using Mirage.Grains.Tenants;
using Mirage.Interfaces.Tenants;

namespace Mirage.Grains.Tests.TestSupport;

/// <summary>
/// Counts, per tenant, the ObserveAsync calls tenant grains receive and the rows they carry (an incoming
/// call filter on every silo), so tests can see that client grains send batches, not one call per query.
/// </summary>
public sealed class TenantCallCounter
{
    private readonly ConcurrentDictionary<string, (int Calls, long Rows)> _byTenant = new(StringComparer.Ordinal);

    public (int Calls, long Rows) Of(string tenant) => _byTenant.GetValueOrDefault(tenant);

    public Task Filter(IIncomingGrainCallContext context)
    {
        if (context.Grain is TenantGrain && context.Request.GetArgumentCount() == 1 && context.Request.GetArgument(0) is TenantObservation observation)
        {
            var tenant = context.TargetId.Key.ToString()!;
            _byTenant.AddOrUpdate(tenant, (1, observation.Rows), (_, seen) => (seen.Calls + 1, seen.Rows + observation.Rows));
        }

        return context.Invoke();
    }
}
