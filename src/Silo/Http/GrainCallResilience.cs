using Microsoft.Extensions.Options;
using Orleans.Runtime.Messaging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Mirage.Silo.Http;

/// <summary>
/// Retries the HTTP handlers' grain calls through the seconds in which a cluster reorganizes (a silo
/// died and is not yet evicted; its grains reactivate elsewhere from storage), so a caller never sees a
/// silo die. Exponential backoff with jitter, all attempts bounded by <see cref="GrainCallRetryOptions.TotalTimeout"/>.
/// Two kinds of call, because a retry must never make the grain do a thing twice:
/// <list type="bullet">
/// <item><see cref="RepeatableAsync{TState, TResult}"/>: reads and calls whose repetition changes nothing
/// (set this override, reset). Every transient cluster error is retried, including one after which the call
/// may have run (the target silo died mid-call, a timeout), and an attempt is abandoned at the bound.</item>
/// <item><see cref="OnceAsync{TState, TResult}"/>: calls that must not run twice (score a request, learn from an
/// observation). Only errors proving the message never reached the grain are retried: a rejection (Orleans
/// answers one instead of invoking the grain) or a connection that never opened; an attempt in flight is
/// never abandoned, only further attempts stop.</item>
/// </list>
/// </summary>
public sealed class GrainCallResilience
{
    private readonly ResiliencePipeline _repeatable;
    private readonly ResiliencePipeline _once;
    private long _retries;

    public GrainCallResilience(IOptions<GrainCallRetryOptions> options, TimeProvider time, ILogger<GrainCallResilience> logger)
    {
        _repeatable = Build(options.Value, time, logger, IsTransient);
        _once = Build(options.Value, time, logger, NeverReachedTheGrain);
    }

    /// <summary>Retries so far (both kinds): how often the cluster's reorganizing was hidden from a caller.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>A call that may run more than once with the same effect.</summary>
    public ValueTask<TResult> RepeatableAsync<TState, TResult>(TState state, Func<TState, Task<TResult>> call, CancellationToken cancellationToken) =>
        _repeatable.ExecuteAsync(
            static (s, ct) => new ValueTask<TResult>(s.call(s.state).WaitAsync(ct)),
            (state, call), cancellationToken);

    /// <summary>A call that must run at most once.</summary>
    public ValueTask<TResult> OnceAsync<TState, TResult>(TState state, Func<TState, Task<TResult>> call, CancellationToken cancellationToken) =>
        _once.ExecuteAsync(static (s, _) => new ValueTask<TResult>(s.call(s.state)), (state, call), cancellationToken);

    /// <inheritdoc cref="OnceAsync{TState, TResult}"/>
    public ValueTask OnceAsync<TState>(TState state, Func<TState, Task> call, CancellationToken cancellationToken) =>
        _once.ExecuteAsync(static (s, _) => new ValueTask(s.call(s.state)), (state, call), cancellationToken);

    /// <summary>Errors of a cluster in motion, worth another attempt.</summary>
    public static bool IsTransient(Exception exception) => exception
        is SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or TimeoutException;

    /// <summary>
    /// What a caller sees when the bound runs out: the last transient error, or Polly's timeout if the bound
    /// ended a wait. <see cref="GrainCallsUnavailableHandler"/> answers these 503, so nginx may try another silo.
    /// </summary>
    public static bool GaveUp(Exception exception) => IsTransient(exception) || exception is TimeoutRejectedException;

    /// <summary>
    /// Errors after which the grain certainly did not run the call. SiloUnavailableException derives from the
    /// rejection but means the silo died while the call was pending there, perhaps after running it.
    /// </summary>
    public static bool NeverReachedTheGrain(Exception exception) => exception
        is (OrleansMessageRejectionException and not SiloUnavailableException) or ConnectionFailedException;

    private ResiliencePipeline Build(GrainCallRetryOptions options, TimeProvider time, ILogger logger, Func<Exception, bool> retryOn) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            // Outermost, so it bounds the attempts and the waits together.
            .AddTimeout(options.TotalTimeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && retryOn(e)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstDelay,
                MaxDelay = options.MaxDelay,
                MaxRetryAttempts = options.MaxRetries,
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    // Debug: a failover retries thousands of calls; the outcome (success, or 503) is what matters.
                    logger.LogDebug("Grain call retry {Attempt} in {Delay} after {Error}",
                        args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.GetType().Name);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
}

public static class GrainCallResilienceServices
{
    /// <summary>The retry pipeline (options from Mirage:GrainCallRetry, validated at start) and its 503 answer.</summary>
    public static IServiceCollection AddGrainCallResilience(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GrainCallRetryOptions>().Bind(configuration.GetSection(GrainCallRetryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GrainCallRetryOptions>, GrainCallRetryOptions.Validator>();
        services.AddSingleton<GrainCallResilience>();
        services.AddExceptionHandler<GrainCallsUnavailableHandler>();
        return services;
    }
}
