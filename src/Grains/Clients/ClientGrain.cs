using Mirage.Defense.Escalation;
using Mirage.Defense.Monitoring;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Runtime;
using Mirage.Interfaces.Tenants;

namespace Mirage.Grains.Clients;

/// <summary>
/// The per-client actor: learns from every answered request, keeps the suspicion score, moves the
/// client on its tenant's escalation ladder and publishes the defense the request path reads.
/// </summary>
public sealed class ClientGrain(
    EscalationLadders ladders,
    FeatureSpaces featureSpaces,
    SuspicionOptions suspicionOptions,
    TenantWatchOptions tenantWatch,
    ClientPersistenceOptions persistence,
    IPersistentStateFactory states,
    TimeProvider time) : Grain, IClientGrain
{
    private const int HistoryCapacity = 240;

    private readonly Dictionary<string, ClientMonitor> _monitors = new(StringComparer.Ordinal);
    private readonly RateMeter _rate = new();
    private IPersistentState<ClientRecord> _state = null!;
    private EscalationLadder _ladder = EscalationLadder.Default;
    private int _unwritten;
    private DateTimeOffset _lastWrite;
    private ITimer? _flush;

    // Published atomically after every turn; the request path reads it without queueing behind turns.
    private volatile DefenseDecision _defense = DefenseDecision.Clean;

    private ClientRecord Record => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (tenant, client) = ClientGrainKey.Parse(GrainKey);
        _ladder = ladders.For(tenant);
        _state = states.Create<ClientRecord>("client", GrainKey);
        await _state.ReadStateAsync(cancellationToken);
        (Record.Tenant, Record.Client) = (tenant, client);
        // The detectors start empty; what they had found stays as a floor.
        Record.RaisedTo = Math.Max(Record.RaisedTo, Record.Suspicion);
        _lastWrite = time.GetUtcNow();
        Publish();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StopFlushTimer();
        if (_unwritten > 0)
        {
            await _state.WriteStateAsync(cancellationToken);
        }
    }

    public Task<DefenseDecision> GetDefenseAsync() => Task.FromResult(_defense);

    public async Task ObserveAsync(QueryObservation observation)
    {
        try
        {
            Learn(observation);
        }
        finally
        {
            observation.Release?.Invoke(observation);
        }

        _unwritten++;
        if (_unwritten >= persistence.WriteEveryObservations || observation.At - _lastWrite >= persistence.WriteEvery)
        {
            await WriteAsync();
        }
        else
        {
            // If no more traffic comes, write these after the cadence's time anyway. The timer calls the
            // grain through its mailbox, like any caller, so the write is a turn of its own.
            _flush ??= time.CreateTimer(static grain => ((ClientGrain)grain!).RequestFlush(), this, persistence.WriteEvery, Timeout.InfiniteTimeSpan);
        }
    }

    public async Task FlushAsync()
    {
        if (_unwritten > 0)
        {
            await WriteAsync();
        }
    }

    public async Task<ClientDetail> GetDetailAsync()
    {
        await SynchroniseAsync();
        return Detail();
    }

    public async Task<ClientDetail> SetOverrideAsync(ClientOverride? clientOverride)
    {
        await SynchroniseAsync();
        Record.Override = clientOverride;
        Publish();
        await WriteAsync();
        return Detail();
    }

    public async Task<ClientDetail> ResetAsync()
    {
        await SynchroniseAsync();
        var kept = Record.Override;
        _state.State = new ClientRecord { Tenant = Record.Tenant, Client = Record.Client, Override = kept };
        _monitors.Clear();
        _rate.Clear();
        Publish();
        await WriteAsync();
        return Detail();
    }

    public Task RaiseAsync(double suspicion, string reason)
    {
        Record.RaisedTo = Math.Max(Record.RaisedTo, Math.Clamp(suspicion, 0, 1));
        Record.SplitReason = reason;
        UpdateSuspicion(time.GetUtcNow());
        _unwritten++;
        return Task.CompletedTask;
    }

    private void Learn(QueryObservation observation)
    {
        var record = Record;
        record.Queries += observation.Rows;
        record.LastSeen = observation.At;
        var values = observation.Rows * observation.Classes;
        var utility = record.Utility;
        utility.Add(observation.Probabilities.AsSpan(0, values), observation.Answered.AsSpan(0, values), observation.Classes);
        record.Utility = utility;
        var monitor = MonitorOf(observation);
        var inputs = observation.Inputs.AsSpan(0, observation.Rows * observation.InputLength);
        if (record.Queries - observation.Rows < tenantWatch.YoungKeyQueries)
        {
            // A young key: its tenant watches it together with the tenant's other young keys.
            var features = new float[observation.Rows * monitor.Dimensions];
            var predicted = new int[observation.Rows];
            monitor.Observe(inputs, observation.Probabilities.AsSpan(0, values), observation.Rows, features, predicted);
            _ = GrainFactory.GetGrain<ITenantGrain>(record.Tenant).ObserveAsync(new TenantObservation(
                record.Client, observation.Model, observation.Rows, monitor.Dimensions, observation.Classes, features, predicted, observation.At));
        }
        else
        {
            monitor.Observe(inputs, observation.Probabilities.AsSpan(0, values), observation.Rows);
        }

        _rate.Add(observation.At, observation.Rows);
        UpdateSuspicion(observation.At);
    }

    /// <summary>
    /// Makes this activation and the store agree before an operator reads or changes the client. In a
    /// cluster, operators reach whichever silo their own key hashes to, so this activation may not be
    /// the one serving the client's traffic: with nothing of its own to write it re-reads the store
    /// (fresh up to the serving activation's cadence); with observations pending, it writes them. A
    /// serving activation elsewhere then meets a changed ETag at its next write, is dropped, and
    /// reloads what the operator did.
    /// </summary>
    private async Task SynchroniseAsync()
    {
        if (_unwritten > 0)
        {
            await WriteAsync();
            return;
        }

        await _state.ReadStateAsync();
        (Record.Tenant, Record.Client) = ClientGrainKey.Parse(GrainKey);
        Publish();
    }

    private async Task WriteAsync()
    {
        StopFlushTimer();
        await _state.WriteStateAsync();
        _unwritten = 0;
        _lastWrite = time.GetUtcNow();
    }

    /// <summary>
    /// Best effort, on a timer thread: a full mailbox, a deactivation or a silo shutting down in between
    /// leaves the write to the next observation or to deactivation.
    /// </summary>
    private async void RequestFlush()
    {
        try
        {
            await GrainFactory.GetGrain<IClientGrain>(GrainKey).FlushAsync();
        }
        catch (Exception)
        {
            // Nothing is lost: the observations are still counted as unwritten by the activation.
        }
    }

    private void StopFlushTimer()
    {
        _flush?.Dispose();
        _flush = null;
    }

    private void UpdateSuspicion(DateTimeOffset now)
    {
        // The most suspicious of the client's models speaks for it; a raise is a floor.
        var record = Record;
        var detected = _monitors.Count == 0 ? 0 : _monitors.Values.Max(m => m.Suspicion());
        record.Suspicion = Math.Max(detected, record.RaisedTo);
        var before = record.Escalation.Level;
        record.Escalation.Update(_ladder, record.Suspicion, now);
        var history = record.History;
        if (history.Count == 0 || before != record.Escalation.Level || now - history[^1].At >= TimeSpan.FromMinutes(1))
        {
            if (history.Count == HistoryCapacity)
            {
                history.RemoveAt(0);
            }

            history.Add(new SuspicionPoint(now, record.Suspicion, record.Escalation.Level));
        }

        Publish();
    }

    private void Publish()
    {
        var record = Record;
        var level = Math.Min(record.Escalation.Level, _ladder.Levels.Count - 1);
        var rung = _ladder.Levels[level];
        _defense = record.Override switch
        {
            { Block: true } => new DefenseDecision(level, rung.Name, PerturbationPolicy.Block),
            { Exempt: true } => new DefenseDecision(level, rung.Name, PerturbationPolicy.None),
            { Policy: { } policy } => new DefenseDecision(level, rung.Name, policy),
            { Level: { } pinned } when pinned < _ladder.Levels.Count =>
                new DefenseDecision(pinned, _ladder.Levels[pinned].Name, _ladder.Levels[pinned].Policy),
            _ => new DefenseDecision(level, rung.Name, rung.Policy),
        };
        (record.Level, record.LevelName) = (_defense.Level, _defense.LevelName);
    }

    private ClientMonitor MonitorOf(QueryObservation observation)
    {
        if (!_monitors.TryGetValue(observation.Model, out var monitor))
        {
            monitor = new ClientMonitor(featureSpaces.For(observation.Model, observation.InputLength), observation.Classes, suspicionOptions);
            _monitors[observation.Model] = monitor;
        }

        return monitor;
    }

    private ClientSignals Signals()
    {
        var split = Record.SplitReason.Length > 0;
        var rate = _rate.PerMinute(time.GetUtcNow());
        var loudest = _monitors.Values.OrderByDescending(m => m.Suspicion()).FirstOrDefault();
        return loudest?.Signals(rate, split) ?? new ClientSignals { QueryRate = rate, SplitAttack = split };
    }

    private ClientDetail Detail()
    {
        var (record, defense) = (Record, _defense);
        return new ClientDetail
        {
            Tenant = record.Tenant,
            Client = record.Client,
            Suspicion = record.Suspicion,
            Level = defense.Level,
            LevelName = defense.LevelName,
            Queries = record.Queries,
            Flagged = record.Escalation.Level > 0,
            LastSeen = record.LastSeen,
            Signals = Signals(),
            History = record.History.ToList(),
            Override = record.Override,
            Utility = record.Utility.Summary(),
        };
    }
}
