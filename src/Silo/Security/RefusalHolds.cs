using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Mirage.Silo.Security;

/// <summary>
/// How long each refusal of a key is held before its 429 goes out. A key that waits as Retry-After asks
/// has at most a few refusals held at a time and gets the base delay. A key that floods on many
/// connections, asking again the moment a 429 arrives, has one held per connection: its next one is held
/// longer in proportion, so however many connections it opens, it asks about
/// <see cref="RateLimitOptions.HeldRefusalsPerDelay"/> times per base delay until the hold reaches its
/// cap. The refusals of 2,000 connections would otherwise be ~2,000 parsed and authenticated requests a
/// second on the cores every other tenant shares.
/// </summary>
public sealed class RefusalHolds(TimeSpan delay, TimeSpan maxDelay, int heldPerDelay)
{
    // Keys are the configured ones, so this grows no larger than the key directory.
    private readonly ConcurrentDictionary<ApiPrincipal, StrongBox<int>> _held = new();

    /// <summary>Counts one more refusal of <paramref name="key"/> held; dispose the lease when it is answered.</summary>
    public Hold Enter(ApiPrincipal key)
    {
        var held = _held.GetOrAdd(key, static _ => new StrongBox<int>());
        var count = Interlocked.Increment(ref held.Value);
        var flooding = count > heldPerDelay;
        var hold = flooding ? TimeSpan.FromTicks((long)Math.Min(delay.Ticks * ((double)count / heldPerDelay), maxDelay.Ticks)) : delay;
        return new Hold(held, hold, flooding);
    }

    /// <summary>One held refusal: how long to hold it, whether its key floods, and the count it leaves when disposed.</summary>
    public readonly struct Hold(StrongBox<int> held, TimeSpan duration, bool flooding) : IDisposable
    {
        public TimeSpan Duration { get; } = duration;

        /// <summary>The key has more refusals held than it may at the base delay.</summary>
        public bool Flooding { get; } = flooding;

        public void Dispose() => Interlocked.Decrement(ref held.Value);
    }
}
