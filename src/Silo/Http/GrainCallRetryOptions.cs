using Microsoft.Extensions.Options;

namespace Mirage.Silo.Http;

/// <summary>
/// The "Mirage:GrainCallRetry" section: how long the HTTP handlers keep retrying a grain call that failed
/// because the cluster is reorganizing (a silo died and is not yet evicted, a grain is moving).
/// </summary>
public sealed class GrainCallRetryOptions
{
    public const string Section = "Mirage:GrainCallRetry";

    /// <summary>
    /// All attempts and the waits between them together; past it the caller gets 503. Long enough to span
    /// the membership's eviction of a dead silo (~3.5 s with the cluster's tuning), short of nginx's read timeout.
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The median wait before the first retry; later waits grow exponentially, with jitter.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>No single wait is longer.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries at most (the total timeout usually ends them first).</summary>
    public int MaxRetries { get; set; } = 20;

    /// <summary>Every problem with the options, in words that name the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (TotalTimeout <= TimeSpan.Zero || TotalTimeout > TimeSpan.FromMinutes(1))
        {
            yield return $"{Section}:TotalTimeout must be more than 0 and at most 1 minute; got {TotalTimeout}.";
        }

        if (FirstDelay <= TimeSpan.Zero || FirstDelay >= TotalTimeout)
        {
            yield return $"{Section}:FirstDelay must be more than 0 and less than TotalTimeout; got {FirstDelay}.";
        }

        if (MaxDelay < FirstDelay || MaxDelay > TimeSpan.FromDays(1))
        {
            yield return $"{Section}:MaxDelay must be at least FirstDelay (and at most a day); got {MaxDelay}.";
        }

        if (MaxRetries < 1)
        {
            yield return $"{Section}:MaxRetries must be at least 1; got {MaxRetries}.";
        }
    }

    internal sealed class Validator : IValidateOptions<GrainCallRetryOptions>
    {
        public ValidateOptionsResult Validate(string? name, GrainCallRetryOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems)
                : ValidateOptionsResult.Success;
    }
}
