namespace Mirage.Inference.Onnx;

/// <summary>
/// Counts runs in flight so a native object is released exactly once, after the last run that uses it:
/// <see cref="Close"/> refuses new runs and returns true when nothing is running any more; otherwise the
/// last <see cref="Exit"/> returns true. Whoever gets true releases.
/// </summary>
internal sealed class RunGate
{
    private const int Closed = 1 << 30;

    private int _state;

    /// <summary>Admits one run, or throws <see cref="ObjectDisposedException"/> once closed.</summary>
    public void Enter(object owner)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            ObjectDisposedException.ThrowIf((state & Closed) != 0, owner);
            if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                return;
            }
        }
    }

    /// <summary>Ends a run; true when it was the last one after <see cref="Close"/>.</summary>
    public bool Exit() => Interlocked.Decrement(ref _state) == Closed;

    /// <summary>True for the first call when no run is in flight; false otherwise (and on later calls).</summary>
    public bool Close()
    {
        var before = Interlocked.Or(ref _state, Closed);
        return before == 0;
    }
}
