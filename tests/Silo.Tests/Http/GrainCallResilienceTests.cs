using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mirage.Interfaces.Inference;
using Mirage.Silo.Http;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Polly.Timeout;

namespace Mirage.Silo.Tests.Http;

/// <summary>
/// The grain-call retry pipeline on a virtual clock: which errors it retries for each kind of call, that
/// it gives up at the total bound, that its waits grow and jitter, and that giving up answers 503.
/// </summary>
public sealed class GrainCallResilienceTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private static readonly GrainCallRetryOptions Defaults = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T00:00:00Z"));

    public static TheoryData<string> TransientErrors => new() { "silo-unavailable", "rejection", "connection-failed", "timeout" };

    [Theory]
    [MemberData(nameof(TransientErrors))]
    public async Task A_repeatable_call_is_retried_through_every_transient_cluster_error(string error)
    {
        var calls = new ScriptedCalls(failures: 3, () => Error(error));

        var answer = await RunAsync(Resilience().RepeatableAsync(calls, static c => c.NextAsync(), CancellationToken.None).AsTask());

        Assert.Equal(4, answer);
        Assert.Equal(4, calls.Attempts);
    }

    [Theory]
    [InlineData("rejection")]
    [InlineData("connection-failed")]
    public async Task A_once_call_is_retried_when_the_message_never_reached_the_grain(string error)
    {
        var calls = new ScriptedCalls(failures: 2, () => Error(error));

        var answer = await RunAsync(Resilience().OnceAsync(calls, static c => c.NextAsync(), CancellationToken.None).AsTask());

        Assert.Equal(3, answer);
        Assert.Equal(3, calls.Attempts);
    }

    [Theory]
    [InlineData("silo-unavailable")]
    [InlineData("timeout")]
    public async Task A_once_call_is_not_repeated_when_the_grain_may_have_run_it(string error)
    {
        var calls = new ScriptedCalls(failures: 1, () => Error(error));

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() =>
            RunAsync(Resilience().OnceAsync(calls, static c => (Task)c.NextAsync(), CancellationToken.None)));

        Assert.Equal(Error(error).GetType(), thrown.GetType());
        Assert.Equal(1, calls.Attempts);
    }

    [Fact]
    public async Task Errors_that_are_not_the_clusters_are_never_retried()
    {
        var resilience = Resilience();
        var overloaded = new ScriptedCalls(failures: 5, () => new InferenceOverloadedException("fmnist-cnn", 4096));
        var bug = new ScriptedCalls(failures: 5, () => new InvalidOperationException("a bug"));

        await Assert.ThrowsAsync<InferenceOverloadedException>(() =>
            RunAsync(resilience.RepeatableAsync(overloaded, static c => c.NextAsync(), CancellationToken.None).AsTask()));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            RunAsync(resilience.OnceAsync(bug, static c => c.NextAsync(), CancellationToken.None).AsTask()));

        Assert.Equal(1, overloaded.Attempts);
        Assert.Equal(1, bug.Attempts);
        Assert.Equal(0, resilience.Retries);
    }

    [Fact]
    public async Task A_call_that_keeps_failing_gives_up_at_the_total_bound_after_growing_jittered_waits()
    {
        var calls = new ScriptedCalls(failures: int.MaxValue, () => Error("rejection"), _time);
        var start = _time.GetUtcNow();

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() =>
            RunAsync(Resilience().RepeatableAsync(calls, static c => c.NextAsync(), CancellationToken.None).AsTask()));

        var elapsed = _time.GetUtcNow() - start;
        Assert.True(GrainCallResilience.GaveUp(thrown), thrown.GetType().Name);
        // The clock moves in steps while the pool runs the continuations, so the end is seen a few steps late.
        Assert.InRange(elapsed, Defaults.TotalTimeout - Step, Defaults.TotalTimeout + 10 * Step);
        // Exponential: a fixed 100 ms wait would make ~100 attempts in 10 s, the capped doubling about 10.
        Assert.InRange(calls.Attempts, 4, 30);
        var waits = calls.AttemptTimes.Zip(calls.AttemptTimes.Skip(1), (a, b) => b - a).ToList();
        Assert.All(waits, wait => Assert.True(wait <= Defaults.MaxDelay + Step, $"wait {wait}"));
        Assert.True(waits[^1] > waits[0], $"waits {string.Join(", ", waits)} should grow");
        // Jitter: the waits are not the exact doubling sequence 100, 200, 400 ... ms capped at 2 s.
        var exact = waits.Select((_, i) => TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, i), 2000)));
        Assert.Contains(waits.Zip(exact), pair => (pair.First - pair.Second).Duration() > 2 * Step);
    }

    [Fact]
    public async Task A_repeatable_attempt_that_hangs_is_abandoned_at_the_bound()
    {
        var hung = new TaskCompletionSource<int>();

        var call = Resilience().RepeatableAsync(hung, static h => h.Task, CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => RunAsync(call));
    }

    [Fact]
    public async Task A_once_attempt_in_flight_is_never_abandoned_and_not_repeated_past_the_bound()
    {
        var attempts = 0;
        var hung = new TaskCompletionSource();
        var resilience = Resilience();

        var call = resilience.OnceAsync(hung, h => { attempts++; return h.Task; }, CancellationToken.None);
        await AdvanceAsync(call, Defaults.TotalTimeout + TimeSpan.FromSeconds(5));
        Assert.False(call.IsCompleted);

        hung.SetException(Error("rejection"));
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => RunAsync(call));

        Assert.True(GrainCallResilience.GaveUp(thrown), thrown.GetType().Name);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task The_bound_counts_from_the_first_attempt_when_it_fails_late()
    {
        // The first attempt runs outside the pipeline; a failure after 8 s leaves the retries the last 2 s.
        var first = new TaskCompletionSource<int>();
        var attempts = 0;
        var start = _time.GetUtcNow();
        var call = Resilience().RepeatableAsync(first, f => ++attempts == 1 ? f.Task : Task.FromException<int>(Error("rejection")), CancellationToken.None).AsTask();
        await AdvanceAsync(call, TimeSpan.FromSeconds(8));
        first.SetException(Error("rejection"));

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => RunAsync(call));

        Assert.True(GrainCallResilience.GaveUp(thrown), thrown.GetType().Name);
        Assert.InRange(_time.GetUtcNow() - start, Defaults.TotalTimeout - Step, Defaults.TotalTimeout + 10 * Step);
        Assert.InRange(attempts, 2, 6);
    }

    [Fact]
    public void Invalid_options_are_refused_naming_the_setting()
    {
        var problems = new GrainCallRetryOptions
        {
            TotalTimeout = TimeSpan.Zero,
            FirstDelay = TimeSpan.FromSeconds(-1),
            MaxDelay = TimeSpan.FromSeconds(-2),
            MaxRetries = 0,
        }.Problems().ToList();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Mirage:GrainCallRetry:TotalTimeout", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Mirage:GrainCallRetry:MaxRetries", StringComparison.Ordinal));
        Assert.Empty(Defaults.Problems());
    }

    [Fact]
    public async Task Giving_up_answers_503_with_retry_after_and_other_errors_are_left_to_the_default_handler()
    {
        var handler = new GrainCallsUnavailableHandler(NullLogger<GrainCallsUnavailableHandler>.Instance);
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var gaveUp = new DefaultHttpContext { RequestServices = services };
        gaveUp.Response.Body = new MemoryStream();
        var bug = new DefaultHttpContext { RequestServices = services };

        Assert.True(await handler.TryHandleAsync(gaveUp, new TimeoutRejectedException(), CancellationToken.None));
        Assert.False(await handler.TryHandleAsync(bug, new InvalidOperationException(), CancellationToken.None));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, gaveUp.Response.StatusCode);
        Assert.Equal("1", gaveUp.Response.Headers.RetryAfter.ToString());
        Assert.Equal(StatusCodes.Status200OK, bug.Response.StatusCode);
    }

    private GrainCallResilience Resilience() =>
        new(Options.Create(new GrainCallRetryOptions()), _time, NullLogger<GrainCallResilience>.Instance);

    private static Exception Error(string name) => name switch
    {
        "silo-unavailable" => new SiloUnavailableException("the target silo died"),
        // Orleans constructs its rejections itself (internal constructor).
        "rejection" => (Exception)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
            BindingFlags.NonPublic | BindingFlags.Instance, null, ["target silo is known to be dead"], null)!,
        "connection-failed" => new ConnectionFailedException("connection refused"),
        "timeout" => new TimeoutException("response timed out"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Advances the virtual clock until the call ends (or a minute passes), then awaits it.</summary>
    private async Task<T> RunAsync<T>(Task<T> call)
    {
        await AdvanceAsync(call, TimeSpan.FromMinutes(1));
        return await call;
    }

    private async Task RunAsync(Task call)
    {
        await AdvanceAsync(call, TimeSpan.FromMinutes(1));
        await call;
    }

    private async Task AdvanceAsync(Task call, TimeSpan limit)
    {
        var end = _time.GetUtcNow() + limit;
        while (!call.IsCompleted && _time.GetUtcNow() < end)
        {
            _time.Advance(Step);
            // Lets the continuations the timers released run on the pool before time moves on.
            await Task.Delay(1);
        }
    }

    /// <summary>Fails the first <c>failures</c> attempts with the given error, then answers the attempt's number.</summary>
    private sealed class ScriptedCalls(int failures, Func<Exception> error, TimeProvider? time = null)
    {
        public int Attempts { get; private set; }

        public List<DateTimeOffset> AttemptTimes { get; } = [];

        public Task<int> NextAsync()
        {
            Attempts++;
            if (time is not null)
            {
                AttemptTimes.Add(time.GetUtcNow());
            }

            return Attempts <= failures ? Task.FromException<int>(error()) : Task.FromResult(Attempts);
        }
    }
}
