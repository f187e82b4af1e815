using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Http;

/// <summary>
/// Bounds the observations in flight to each client's grain (sent, not yet learned from). A request
/// that would pass the bound is refused before it is scored (429), so no answer ever goes out without
/// its observation; an observation that fails on its way is logged and counted, never dropped silently.
/// Counters are kept per configured client key, so their number is bounded by the configuration.
/// </summary>
public sealed class ObservationGate(IOptions<MirageOptions> options, ILogger<ObservationGate> logger)
{
    private readonly ConcurrentDictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.Grains.MailboxCapacity;
    private long _failed;
    private long _refused;

    public long Failed => Interlocked.Read(ref _failed);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Takes a slot for one observation of <paramref name="clientKey"/>; false when the client has too many in flight.</summary>
    public bool TryEnter(string clientKey)
    {
        var counter = _inFlight.GetOrAdd(clientKey, static _ => new InFlight());
        if (Interlocked.Increment(ref counter.Count) <= _capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref counter.Count);
        Interlocked.Increment(ref _refused);
        return false;
    }

    /// <summary>Watches the grain call; frees the slot when it ends, and logs and counts a failure.</summary>
    public void Track(string clientKey, Task observed)
    {
        var counter = _inFlight[clientKey];
        _ = observed.ContinueWith(
            (task, state) =>
            {
                Interlocked.Decrement(ref ((InFlight)state!).Count);
                if (task.IsFaulted)
                {
                    Interlocked.Increment(ref _failed);
                    logger.LogError(task.Exception, "An observation of client {Client} did not reach its grain", clientKey);
                }
            },
            counter, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Frees a slot taken for a request that was not answered after all.</summary>
    public void Leave(string clientKey) => Interlocked.Decrement(ref _inFlight[clientKey].Count);

    private sealed class InFlight
    {
        public int Count;
    }
}
