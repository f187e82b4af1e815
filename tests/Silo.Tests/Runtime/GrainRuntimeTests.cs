using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mirage.Interfaces.Runtime;
using Mirage.Silo.Runtime;

namespace Mirage.Silo.Tests.Runtime;

public sealed class GrainRuntimeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services;
    private readonly GrainRuntime _runtime;

    public GrainRuntimeTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IOptions<GrainRuntimeOptions>>(Options.Create(new GrainRuntimeOptions
        {
            MailboxCapacity = 8,
            IdleAge = TimeSpan.FromMinutes(5),
            CollectionQuantum = TimeSpan.FromMinutes(1),
        }));
        services.AddLogging();
        services.AddSingleton<ProbeLog>();
        services.AddGrainRuntime();
        services.AddGrain<IProbeGrain, ProbeGrain>();
        _services = services.BuildServiceProvider();
        _runtime = _services.GetRequiredService<GrainRuntime>();
    }

    public Task InitializeAsync() => _runtime.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _runtime.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_grain_runs_one_turn_at_a_time_even_under_concurrent_callers()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("one");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => grain.SlowAddAsync(1))));

        Assert.Equal(8, await grain.GetTotalAsync());
        Assert.Equal(1, await grain.GetMaxConcurrencyAsync());
    }

    [Fact]
    public async Task Turns_run_in_the_order_they_were_queued()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("order");
        var calls = Enumerable.Range(1, 8).Select(i => grain.AppendAsync(i)).ToArray();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(1, 8), await grain.GetSequenceAsync());
    }

    [Fact]
    public async Task Each_key_gets_its_own_activation_and_keys_run_in_parallel()
    {
        var a = _runtime.GetGrain<IProbeGrain>("a");
        var b = _runtime.GetGrain<IProbeGrain>("b");
        await a.SlowAddAsync(2);
        await b.SlowAddAsync(3);

        Assert.Equal(2, await a.GetTotalAsync());
        Assert.Equal(3, await b.GetTotalAsync());
        Assert.Equal("a", await a.GetKeyAsync());
        Assert.Equal(2, _runtime.ActivationCount);
    }

    [Fact]
    public async Task A_full_mailbox_refuses_the_call_instead_of_queueing_it()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("busy");
        var gate = _services.GetRequiredService<ProbeLog>().Gate;
        var blocked = grain.WaitForGateAsync();
        var queued = Enumerable.Range(0, 7).Select(i => grain.AppendAsync(i)).ToList();

        Assert.Throws<MailboxFullException>(() => { _ = grain.AppendAsync(99); });

        gate.SetResult();
        await blocked;
        await Task.WhenAll(queued);
        Assert.Equal(Enumerable.Range(0, 7), await grain.GetSequenceAsync());
    }

    [Fact]
    public async Task An_interleaved_read_does_not_wait_behind_a_running_turn()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("interleave");
        var gate = _services.GetRequiredService<ProbeLog>().Gate;
        var blocked = grain.WaitForGateAsync();

        Assert.Equal("interleave", await grain.PeekKeyAsync());
        Assert.False(blocked.IsCompleted);

        gate.SetResult();
        await blocked;
    }

    [Fact]
    public async Task Idle_grains_are_collected_on_the_injected_clock_and_come_back_on_the_next_call()
    {
        var log = _services.GetRequiredService<ProbeLog>();
        var grain = _runtime.GetGrain<IProbeGrain>("idle");
        await grain.SlowAddAsync(5);

        // The collector runs every minute on the injected clock; the grain is idle from 5 minutes on.
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, _runtime.CollectIdle());
        Assert.Empty(log.Deactivations);

        _time.Advance(TimeSpan.FromMinutes(2));
        await WaitUntil(() => log.Deactivations.Contains("idle"));

        Assert.Equal(0, await grain.GetTotalAsync());
        Assert.Equal(2, log.Activations.Count(k => k == "idle"));
    }

    [Fact]
    public async Task A_write_conflict_drops_the_activation_and_later_calls_go_to_a_fresh_one()
    {
        var log = _services.GetRequiredService<ProbeLog>();
        var grain = _runtime.GetGrain<IProbeGrain>("conflict");
        await grain.SlowAddAsync(1);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.ConflictAsync());
        Assert.Equal(0, await grain.GetTotalAsync());

        Assert.Equal(2, log.Activations.Count(k => k == "conflict"));
        Assert.DoesNotContain("conflict", log.Deactivations);
    }

    [Fact]
    public async Task Shutdown_deactivates_every_activation()
    {
        var log = _services.GetRequiredService<ProbeLog>();
        await _runtime.GetGrain<IProbeGrain>("x").SlowAddAsync(1);
        await _runtime.GetGrain<IProbeGrain>("y").SlowAddAsync(1);

        await _runtime.StopAsync(CancellationToken.None);

        Assert.Contains("x", log.Deactivations);
        Assert.Contains("y", log.Deactivations);
    }

    [Fact]
    public async Task A_failing_call_reports_its_error_and_the_grain_lives_on()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("throws");
        await grain.SlowAddAsync(4);

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.FailAsync());

        Assert.Equal(4, await grain.GetTotalAsync());
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
