using System.Collections.Concurrent;

namespace Mirage.Silo.Security;

/// <summary>
/// Counts failed sign-ins per source address in fixed windows and says how long to hold each answer:
/// nothing for the first few, then a delay that doubles per failure up to a ceiling. Guessing keys from
/// one address then costs seconds per guess, while a caller with a typo notices nothing.
/// </summary>
public sealed class SignInThrottle(SignInThrottleOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _bySource = new(StringComparer.Ordinal);

    /// <summary>One failure from <paramref name="source"/>: its number in the current window, and the delay before answering.</summary>
    public (int Failures, TimeSpan Delay) RecordFailure(string source)
    {
        var now = time.GetUtcNow();
        if (_bySource.Count >= options.MaxSources && !_bySource.ContainsKey(source))
        {
            Forget(now);
        }

        var window = _bySource.AddOrUpdate(
            source,
            static (_, now) => new Window(now, 1),
            (_, current, now) => now - current.Start >= options.Window ? new Window(now, 1) : current with { Failures = current.Failures + 1 },
            now);
        return (window.Failures, DelayFor(window.Failures));
    }

    /// <summary>The delay of the n-th failure of a window.</summary>
    public TimeSpan DelayFor(int failures)
    {
        var past = failures - options.FreeFailures;
        if (past <= 0)
        {
            return TimeSpan.Zero;
        }

        // 2^(past-1) times the first delay, computed without overflow for long floods.
        var doublings = Math.Min(past - 1, 30);
        var delay = options.FirstDelay.Ticks * (double)(1L << doublings);
        return TimeSpan.FromTicks((long)Math.Min(delay, options.MaxDelay.Ticks));
    }

    /// <summary>Failures of a window that each get a log line; past them only every power of two does.</summary>
    public const int LoggedInFull = 6;

    /// <summary>Whether the n-th failure of a window is worth a log line, so a flood logs a few dozen lines, not millions.</summary>
    public static bool ShouldLog(int failures) => failures <= LoggedInFull || (failures & (failures - 1)) == 0;

    private void Forget(DateTimeOffset now)
    {
        foreach (var (source, window) in _bySource)
        {
            if (now - window.Start >= options.Window)
            {
                _bySource.TryRemove(source, out _);
            }
        }

        // Every window is young (many sources at once): start again rather than grow without bound.
        if (_bySource.Count >= options.MaxSources)
        {
            _bySource.Clear();
        }
    }

    private sealed record Window(DateTimeOffset Start, int Failures);
}
