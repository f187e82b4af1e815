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
    // When the first attempt began: the bound counts from there, also for attempts Polly makes after it.
    private static readonly ResiliencePropertyKey<long> StartedAt = new("mirage.grain-call.started");

    private readonly ResiliencePipeline _repeatable;
    private readonly ResiliencePipeline _once;
    private readonly TimeProvider _time;
    private readonly TimeSpan _totalTimeout;
    private long _retries;

    public GrainCallResilience(IOptions<GrainCallRetryOptions> options, TimeProvider time, ILogger<GrainCallResilience> logger)
    {
        _time = time;
        _totalTimeout = options.Value.TotalTimeout;
        _repeatable = Build(options.Value, logger, IsTransient);
        _once = Build(options.Value, logger, NeverReachedTheGrain);
    }

    /// <summary>Retries so far (both kinds): how often the cluster's reorganizing was hidden from a caller.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    // The first attempt runs outside Polly: it succeeds on every call outside a failover, and the pipeline's
    // nested state machines, token source and timer cost more than the grain call itself (see
    // GrainCallResilienceBenchmarks). Only a failed first attempt enters the pipeline, which replays that
    // failure as its own first attempt, so the retries, their waits and the bound are exactly the pipeline's.

    /// <summary>A call that may run more than once with the same effect.</summary>
    public async ValueTask<TResult> RepeatableAsync<TState, TResult>(TState state, Func<TState, Task<TResult>> call, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetTimestamp();
        var first = call(state);
        try
        {
            return await first.WaitAsync(_totalTimeout, _time, cancellationToken);
        }
        catch (TimeoutException) when (!first.IsCompleted)
        {
            // The bound abandoned the attempt (a TimeoutException of the call itself is transient, retried below).
            throw BoundReached();
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            return await RetryAsync(_repeatable, new Replay<TState, TResult>(first, state, call, abandonAtBound: true), startedAt, cancellationToken);
        }
    }

    /// <summary>A call that must run at most once.</summary>
    public async ValueTask<TResult> OnceAsync<TState, TResult>(TState state, Func<TState, Task<TResult>> call, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetTimestamp();
        var first = call(state);
        try
        {
            return await first;
        }
        catch (Exception ex) when (NeverReachedTheGrain(ex))
        {
            return await RetryAsync(_once, new Replay<TState, TResult>(first, state, call, abandonAtBound: false), startedAt, cancellationToken);
        }
    }

    /// <inheritdoc cref="OnceAsync{TState, TResult}"/>
    public async Task OnceAsync<TState>(TState state, Func<TState, Task> call, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetTimestamp();
        var first = call(state);
        try
        {
            await first;
        }
        catch (Exception ex) when (NeverReachedTheGrain(ex))
        {
            await RetryAsync(_once, new Replay<TState, bool>(first, state, call), startedAt, cancellationToken);
        }
    }

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

    private async Task<TResult> RetryAsync<TState, TResult>(
        ResiliencePipeline pipeline, Replay<TState, TResult> replay, long startedAt, CancellationToken cancellationToken)
    {
        if (_time.GetElapsedTime(startedAt) >= _totalTimeout)
        {
            throw BoundReached();  // the first attempt alone took the whole bound: no time is left to wait and retry
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StartedAt, startedAt);
        try
        {
            return await pipeline.ExecuteAsync(static (ctx, r) => r.NextAsync(ctx.CancellationToken), context, replay);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private TimeoutRejectedException BoundReached() =>
        new($"The grain call did not succeed within Mirage:GrainCallRetry:TotalTimeout ({_totalTimeout}).", _totalTimeout);

    /// <summary>What is left of the bound for the pipeline's timeout (a non-positive timeout would disable it).</summary>
    private TimeSpan Remaining(ResilienceContext context)
    {
        var left = _totalTimeout - _time.GetElapsedTime(context.Properties.GetValue(StartedAt, _time.GetTimestamp()));
        return left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1);
    }

    private ResiliencePipeline Build(GrainCallRetryOptions options, ILogger logger, Func<Exception, bool> retryOn) =>
        new ResiliencePipelineBuilder { TimeProvider = _time }
            // Outermost, so it bounds the attempts and the waits together.
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(Remaining(args.Context)) })
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

    /// <summary>
    /// The pipeline's attempts: the first is the attempt that already failed outside it, the next ones call
    /// again (a repeatable one abandoned when the pipeline's bound cancels it).
    /// </summary>
    private sealed class Replay<TState, TResult>
    {
        private readonly TState _state;
        private readonly Func<TState, Task<TResult>>? _call;
        private readonly Func<TState, Task>? _callWithoutResult;
        private readonly bool _abandonAtBound;
        private Task? _failed;

        public Replay(Task<TResult> failed, TState state, Func<TState, Task<TResult>> call, bool abandonAtBound) =>
            (_failed, _state, _call, _abandonAtBound) = (failed, state, call, abandonAtBound);

        public Replay(Task failed, TState state, Func<TState, Task> call) =>
            (_failed, _state, _callWithoutResult) = (failed, state, call);

        public ValueTask<TResult> NextAsync(CancellationToken bound)
        {
            if (Interlocked.Exchange(ref _failed, null) is { } failed)
            {
                return new ValueTask<TResult>(AsResult(failed));
            }

            if (_call is null)
            {
                return new ValueTask<TResult>(AsResult(_callWithoutResult!(_state)));
            }

            var attempt = _call(_state);
            return new ValueTask<TResult>(_abandonAtBound ? attempt.WaitAsync(bound) : attempt);
        }

        private static async Task<TResult> AsResult(Task task)
        {
            if (task is Task<TResult> typed)
            {
                return await typed;
            }

            await task;
            return default!;
        }
    }
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
