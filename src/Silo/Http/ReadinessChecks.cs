using Mirage.Inference;

namespace Mirage.Silo.Http;

/// <summary>
/// What must hold before the silo takes traffic: models loaded, storage reachable. The answer is
/// cached for <see cref="CacheFor"/>, and concurrent callers share one run, so a flood of /readyz costs
/// one storage query per interval instead of one per call.
/// </summary>
public sealed class ReadinessChecks(ModelCatalog catalog, IEnumerable<IReadinessCheck> checks, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private Task<IReadOnlyList<string>>? _latest;
    private DateTimeOffset _latestAt;

    /// <summary>The problems found by the latest check at most <see cref="CacheFor"/> old; empty when ready.</summary>
    public Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            // A failed run (the check itself threw) is not kept: the next caller tries again.
            if (_latest is null || _latest.IsFaulted || _latest.IsCanceled || (_latest.IsCompleted && now - _latestAt >= CacheFor))
            {
                _latest = CheckAsync();
                _latestAt = now;
            }

            return _latest.WaitAsync(cancellationToken);
        }
    }

    private async Task<IReadOnlyList<string>> CheckAsync()
    {
        var problems = new List<string>();
        if (!catalog.All.Any())
        {
            problems.Add("no model is loaded");
        }

        // Not the caller's token: the run is shared, and one caller hanging up must not fail it for the rest.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        foreach (var check in checks)
        {
            if (await check.ProblemAsync(timeout.Token) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }
}

/// <summary>A dependency that can make the silo unready (storage, for one).</summary>
public interface IReadinessCheck
{
    /// <summary>Null when fine; otherwise what is wrong.</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken);
}
