using System.Threading.Channels;
using Mirage.Interfaces.Runtime;

namespace Mirage.Silo.Runtime;

/// <summary>
/// One live instance of a grain: a bounded FIFO mailbox drained by a single loop, so the grain runs one
/// turn at a time and never needs a lock. The first turn activates the grain, the last deactivates it.
/// </summary>
internal sealed class GrainActivation
{
    private readonly Channel<GrainTurn> _mailbox;
    private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private int _pending;
    private bool _closing;
    private DeactivationReason _reason = DeactivationReason.IdleCollected;
    private long _lastUsedTimestamp;

    private readonly Action<GrainTurn> _redirect;

    /// <param name="redirect">Where turns go that are still queued when a write conflict drops this activation.</param>
    public GrainActivation(GrainId id, Grain grain, int mailboxCapacity, TimeProvider time, Action<GrainTurn> redirect)
    {
        _redirect = redirect;
        Id = id;
        Grain = grain;
        _time = time;
        _capacity = mailboxCapacity;
        _mailbox = Channel.CreateUnbounded<GrainTurn>(
            new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
        _lastUsedTimestamp = time.GetTimestamp();
    }

    public GrainId Id { get; }

    public Grain Grain { get; }

    /// <summary>Completes when OnActivateAsync has run (faults if it threw).</summary>
    public Task Activated => _activated.Task;

    /// <summary>Completes after the last turn and OnDeactivateAsync: the state is written by then.</summary>
    public Task Completed => _completed.Task;

    public int Pending => Volatile.Read(ref _pending);

    public bool IsClosing
    {
        get
        {
            lock (_gate)
            {
                return _closing;
            }
        }
    }

    public TimeSpan IdleFor => _time.GetElapsedTime(Volatile.Read(ref _lastUsedTimestamp));

    /// <summary>Starts the turn loop after <paramref name="predecessor"/> (an older activation of the same key) is gone.</summary>
    public void Start(Task predecessor) => _ = Task.Run(() => RunAsync(predecessor));

    /// <summary>
    /// Queues a turn. False when the activation is closing (the caller goes to a new activation);
    /// throws <see cref="MailboxFullException"/> when the mailbox is full.
    /// </summary>
    public bool TryEnqueue(GrainTurn turn)
    {
        lock (_gate)
        {
            if (_closing)
            {
                return false;
            }

            if (_pending >= _capacity)
            {
                throw new MailboxFullException(Id.Interface.Name, _capacity);
            }

            _pending++;
            _mailbox.Writer.TryWrite(turn);
            return true;
        }
    }

    /// <summary>Stops taking calls; the loop finishes what is queued, then deactivates.</summary>
    public bool TryClose(DeactivationReason reason, bool onlyIfIdle)
    {
        lock (_gate)
        {
            if (_closing || (onlyIfIdle && _pending > 0))
            {
                return false;
            }

            _closing = true;
            _reason = reason;
            _mailbox.Writer.TryComplete();
            return true;
        }
    }

    /// <summary>Marks the activation used now (interleaved reads keep it alive too).</summary>
    public void Touch() => Volatile.Write(ref _lastUsedTimestamp, _time.GetTimestamp());

    private async Task RunAsync(Task predecessor)
    {
        try
        {
            await predecessor.ConfigureAwait(false);
            await Grain.OnActivateAsync(CancellationToken.None).ConfigureAwait(false);
            _activated.TrySetResult();
        }
        catch (Exception ex)
        {
            _activated.TrySetException(ex);
            TryClose(DeactivationReason.ApplicationRequested, onlyIfIdle: false);
            await FailQueuedTurnsAsync(ex).ConfigureAwait(false);
            _completed.TrySetResult();
            return;
        }

        await foreach (var turn in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_reason == DeactivationReason.WriteConflict)
            {
                // This instance's state is stale: later turns go to a fresh activation that re-reads it.
                Interlocked.Decrement(ref _pending);
                _redirect(turn);
                continue;
            }

            // Idle age counts from the start of the last turn; a queued or running turn keeps it alive anyway.
            Touch();
            try
            {
                await turn.RunAsync(Grain).ConfigureAwait(false);
            }
            catch (InconsistentStateException)
            {
                // Orleans' rule: someone else wrote this grain's state; drop this activation without
                // writing, so the next call re-reads what is stored. The turn's caller saw the error.
                TryClose(DeactivationReason.WriteConflict, onlyIfIdle: false);
            }
            catch
            {
                // The caller's task carries the error; the grain lives on.
            }
            finally
            {
                // The turn is over before its caller hears of it, so a caller never sees its own call pending.
                Interlocked.Decrement(ref _pending);
                turn.Publish();
            }
        }

        try
        {
            if (_reason != DeactivationReason.WriteConflict)
            {
                await Grain.OnDeactivateAsync(_reason, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch
        {
            // A failed final write loses at most what the cadence bound allows; the next activation
            // reads the last stored state. Nothing else can be done for it here.
        }
        finally
        {
            _completed.TrySetResult();
        }
    }

    private async Task FailQueuedTurnsAsync(Exception activationError)
    {
        // Calls queued behind a failed activation fail with its error; the next call tries afresh.
        await foreach (var turn in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Interlocked.Decrement(ref _pending);
            turn.Fail(activationError);
        }
    }
}
