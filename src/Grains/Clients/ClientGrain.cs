using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Runtime;

namespace Mirage.Grains.Clients;

/// <summary>
/// The per-client actor. This first cut counts queries and always answers cleanly; detection and
/// escalation fill it in.
/// </summary>
public sealed class ClientGrain : Grain, IClientGrain
{
    private long _queries;

    public Task<DefenseDecision> GetDefenseAsync() => Task.FromResult(DefenseDecision.Clean);

    public Task ObserveAsync(QueryObservation observation)
    {
        try
        {
            _queries += observation.Rows;
        }
        finally
        {
            observation.Release?.Invoke(observation);
        }

        return Task.CompletedTask;
    }

    public Task<long> GetQueryCountAsync() => Task.FromResult(_queries);
}
