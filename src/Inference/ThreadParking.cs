using System.Runtime.CompilerServices;

namespace Mirage.Inference;

/// <summary>
/// Parks one of the pool's own threads until a channel operation completes, without spinning first.
/// A Task's blocking wait (<c>.AsTask().GetAwaiter().GetResult()</c>) spins before it sleeps; with the
/// batcher and every worker idling that way between batches, the spinning took about a third of the
/// silo's managed CPU samples on 2 cores at batch 1 (docs/PERFORMANCE.md), CPU the requests needed.
/// One instance per thread: its event is reset and reused for every wait.
/// </summary>
internal sealed class ThreadParking
{
    // Spin count 0: Wait goes straight to sleep; the writer that completes the operation wakes it.
    private readonly ManualResetEventSlim _completed = new(initialState: false, spinCount: 0);
    private readonly Action _wake;

    public ThreadParking() => _wake = _completed.Set;

    /// <summary>The operation's result, sleeping on this thread until it is there.</summary>
    public T Wait<T>(ValueTask<T> operation)
    {
        if (!operation.IsCompleted)
        {
            Park(operation.ConfigureAwait(false).GetAwaiter());
        }

        return operation.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Wait{T}(ValueTask{T})"/>
    public void Wait(ValueTask operation)
    {
        if (!operation.IsCompleted)
        {
            Park(operation.ConfigureAwait(false).GetAwaiter());
        }

        operation.GetAwaiter().GetResult();
    }

    // Generic over the awaiter's struct type, so neither kind of operation boxes its awaiter.
    private void Park<TAwaiter>(TAwaiter awaiter)
        where TAwaiter : struct, ICriticalNotifyCompletion
    {
        _completed.Reset();
        awaiter.UnsafeOnCompleted(_wake);
        _completed.Wait();
    }
}
