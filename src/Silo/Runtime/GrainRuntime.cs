using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mirage.Interfaces.Runtime;

namespace Mirage.Silo.Runtime;

/// <summary>
/// The silo's grain directory: at most one activation per grain id, created on first call, collected
/// when idle, deactivated (state written) on shutdown. Grain code sees only <see cref="IGrainFactory"/>.
/// </summary>
public sealed class GrainRuntime : IGrainFactory, IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly ConcurrentDictionary<GrainId, object> _references = new();
    private readonly GrainTypeRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly GrainRuntimeOptions _options;
    private readonly ILogger<GrainRuntime> _logger;
    private ITimer? _collector;
    private long _activationCount;

    public GrainRuntime(
        GrainTypeRegistry registry,
        IServiceProvider services,
        TimeProvider time,
        IOptions<GrainRuntimeOptions> options,
        ILogger<GrainRuntime> logger)
    {
        _registry = registry;
        _services = services;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Activations created since start (a grain re-activated after collection counts again).</summary>
    public long ActivationCount => Interlocked.Read(ref _activationCount);

    public int ActiveCount => _activations.Count;

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var id = new GrainId(typeof(TGrain), key);
        return (TGrain)_references.GetOrAdd(id, static (grainId, runtime) =>
        {
            var proxy = DispatchProxy.Create<TGrain, GrainProxy>();
            ((GrainProxy)(object)proxy).Bind(runtime, grainId);
            return proxy;
        }, this);
    }

    internal void Enqueue(GrainId id, GrainTurn turn)
    {
        while (true)
        {
            var activation = GetOrActivate(id);
            if (activation.TryEnqueue(turn))
            {
                return;
            }

            // That activation is closing; the next loop finds or creates its successor.
            Thread.Yield();
        }
    }

    internal async Task<TResult> InvokeInterleavedAsync<TResult>(GrainId id, Func<Grain, Task<TResult>> call)
    {
        var activation = GetOrActivate(id);
        await activation.Activated.ConfigureAwait(false);
        activation.Touch();
        return await call(activation.Grain).ConfigureAwait(false);
    }

    /// <summary>Deactivates every idle activation now (the timer calls this every quantum).</summary>
    public int CollectIdle()
    {
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.IdleFor >= _options.IdleAge
                && activation.TryClose(DeactivationReason.IdleCollected, onlyIfIdle: true))
            {
                collected++;
                ForgetWhenDone(activation);
            }
        }

        return collected;
    }

    /// <summary>Deactivates one grain (state written) and waits for it; the next call activates it again.</summary>
    public async Task DeactivateAsync(GrainId id)
    {
        if (_activations.TryGetValue(id, out var activation))
        {
            if (activation.TryClose(DeactivationReason.ApplicationRequested, onlyIfIdle: false))
            {
                ForgetWhenDone(activation);
            }

            await activation.Completed.ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _collector = _time.CreateTimer(
            _ => CollectIdle(), null, _options.CollectionQuantum, _options.CollectionQuantum);
        return Task.CompletedTask;
    }

    /// <summary>Graceful shutdown: every activation finishes its queue and writes its state.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _collector?.Dispose();
        var closing = new List<Task>();
        foreach (var activation in _activations.Values)
        {
            activation.TryClose(DeactivationReason.ShuttingDown, onlyIfIdle: false);
            closing.Add(activation.Completed);
        }

        await Task.WhenAll(closing).WaitAsync(cancellationToken).ConfigureAwait(false);
        _activations.Clear();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private GrainActivation GetOrActivate(GrainId id)
    {
        while (true)
        {
            if (_activations.TryGetValue(id, out var existing))
            {
                if (!existing.IsClosing)
                {
                    return existing;
                }

                // The successor starts only after the closing activation has written its state.
                var successor = CreateActivation(id);
                if (_activations.TryUpdate(id, successor, existing))
                {
                    Interlocked.Increment(ref _activationCount);
                    successor.Start(existing.Completed);
                    return successor;
                }

                continue;
            }

            var created = CreateActivation(id);
            if (_activations.TryAdd(id, created))
            {
                Interlocked.Increment(ref _activationCount);
                created.Start(Task.CompletedTask);
                return created;
            }
        }
    }

    private GrainActivation CreateActivation(GrainId id)
    {
        var grain = _registry.Create(id, _services);
        grain.Bind(id.Key, this);
        return new GrainActivation(id, grain, _options.MailboxCapacity, _time, turn => Enqueue(id, turn));
    }

    private void ForgetWhenDone(GrainActivation activation) =>
        activation.Completed.ContinueWith(
            _ =>
            {
                _activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(activation.Id, activation));
                _logger.LogDebug("Deactivated {Grain}", activation.Id);
            },
            TaskScheduler.Default);
}
