using System.Collections.Concurrent;
using Mirage.Interfaces.Runtime;

namespace Mirage.Silo.Tests.Runtime;

public interface IProbeGrain : IGrainWithStringKey
{
    Task SlowAddAsync(int amount);

    Task AppendAsync(int value);

    Task WaitForGateAsync();

    Task ConflictAsync();

    Task FailAsync();

    Task<int> GetTotalAsync();

    Task<int> GetMaxConcurrencyAsync();

    Task<IReadOnlyList<int>> GetSequenceAsync();

    Task<string> GetKeyAsync();

    [AlwaysInterleave]
    Task<string> PeekKeyAsync();
}

/// <summary>What the probe grains did, shared across activations so tests can see lifecycles.</summary>
public sealed class ProbeLog
{
    public ConcurrentQueue<string> Activations { get; } = new();

    public ConcurrentQueue<string> Deactivations { get; } = new();

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A grain that records how it is called, to test the runtime's turn semantics.</summary>
public sealed class ProbeGrain(ProbeLog log) : Grain, IProbeGrain
{
    private readonly List<int> _sequence = [];
    private int _total;
    private int _running;
    private int _maxConcurrency;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        log.Activations.Enqueue(GrainKey);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Deactivations.Enqueue(GrainKey);
        return Task.CompletedTask;
    }

    public async Task SlowAddAsync(int amount)
    {
        var running = Interlocked.Increment(ref _running);
        _maxConcurrency = Math.Max(_maxConcurrency, running);
        var before = _total;
        await Task.Delay(5);
        await Task.Yield();
        _total = before + amount;
        Interlocked.Decrement(ref _running);
    }

    public Task AppendAsync(int value)
    {
        _sequence.Add(value);
        return Task.CompletedTask;
    }

    public Task WaitForGateAsync() => log.Gate.Task;

    public Task ConflictAsync() => throw new InconsistentStateException("stale etag");

    public Task FailAsync() => throw new InvalidOperationException("boom");

    public Task<int> GetTotalAsync() => Task.FromResult(_total);

    public Task<int> GetMaxConcurrencyAsync() => Task.FromResult(_maxConcurrency);

    public Task<IReadOnlyList<int>> GetSequenceAsync() => Task.FromResult<IReadOnlyList<int>>(_sequence.ToList());

    public Task<string> GetKeyAsync() => Task.FromResult(GrainKey);

    public Task<string> PeekKeyAsync() => Task.FromResult(GrainKey);
}
