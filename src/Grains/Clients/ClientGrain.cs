using Microsoft.Extensions.Logging;
using Mirage.Defense.Escalation;
using Mirage.Defense.Monitoring;
using Mirage.Grains.Storage;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;
using Orleans.Dashboard;
using Orleans.Placement;
using Orleans.Runtime;

namespace Mirage.Grains.Clients;

/// <summary>
/// The per-client actor: learns from every answered request, keeps the suspicion score, moves the
/// client on its tenant's escalation ladder and publishes the defense the request path reads. Placed
/// on the silo that first calls it, which nginx makes the silo that serves the client's requests.
/// </summary>
[PreferLocalPlacement]
public sealed partial class ClientGrain(
    EscalationLadders ladders,
    UsageQuotas quotas,
    FeatureSpaces featureSpaces,
    SuspicionOptions suspicionOptions,
    TenantWatchOptions tenantWatch,
    ClientPersistenceOptions persistence,
    [PersistentState("client", MirageStorage.Name)] IPersistentState<ClientRecord> state,
    [PersistentState("detector", MirageStorage.Name)] IPersistentState<DetectorRecord> detector,
    [PersistentState("detectorchanges", MirageStorage.Name)] IPersistentState<DetectorRecord> detectorChanges,
    TimeProvider time,
    LocalDefenses localDefenses,
    ILogger<ClientGrain> logger) : Grain, IClientGrain
{
    private readonly Dictionary<string, ClientMonitor> _monitors = new(StringComparer.Ordinal);
    private RateMeter _rate = new();
    private EscalationLadder _ladder = EscalationLadder.Default;
    private UsageQuota? _quota;
    private TenantReporter _tenant = null!;
    private int _unwritten;
    private DateTimeOffset _lastWrite;
    private IGrainTimer? _flush;
    private IGrainTimer? _tenantFlush;
    private IGrainTimer? _detectorFlush;

    // Published atomically after every turn; the request path reads it without queueing behind turns, on this
    // silo from localDefenses (no grain call), elsewhere through GetDefenseAsync.
    private volatile DefenseDecision _defense = DefenseDecision.Clean;
    private string _key = "";

    private ClientRecord Record => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        var (tenant, client) = ClientGrainKey.Parse(_key);
        _ladder = ladders.For(tenant);
        _quota = quotas.For(tenant);
        _tenant = new TenantReporter(GrainFactory.GetGrain<ITenantGrain>(tenant), client);
        (Record.Tenant, Record.Client) = (tenant, client);
        RestoreDetectors();
        _lastWrite = time.GetUtcNow();
        Publish();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // First: from now on requests ask the grain, which answers from its next activation.
        localDefenses.Withdraw(_key, _defense);
        if (_unwritten > 0)
        {
            await WriteAsync();
        }

        await WriteDetectorsAsync();
    }

    public Task<DefenseDecision> GetDefenseAsync() => Task.FromResult(_defense);

    // One call per prediction: kept out of the dashboard's profiler as the inference grain is (InferenceGrain).
    [NoProfiling]
    public async Task ObserveAsync(QueryObservation observation)
    {
        try
        {
            // Refused before anything is counted or learned, so the record stays writable and the
            // operator's endpoints keep working; the silo counts the failed observation.
            if (ObservationCheck.Problem(observation) is { } problem)
            {
                logger.LogWarning("Client {Tenant}/{Client}: an observation of model {Model} was refused: {Problem}",
                    Record.Tenant, Record.Client, observation.Model, problem);
                throw new ArgumentException(
                    $"Client {Record.Tenant}/{Record.Client} refused an observation of model {observation.Model}: {problem}.", nameof(observation));
            }

            Learn(observation);
        }
        finally
        {
            observation.Release?.Invoke(observation);
        }

        _unwritten++;
        _detectorFlush ??= this.RegisterGrainTimer(
            static (grain, _) => grain.WriteDetectorsAsync(), this, new GrainTimerCreationOptions(persistence.WriteDetectorEvery, Timeout.InfiniteTimeSpan));
        if (_unwritten >= persistence.WriteEveryObservations || observation.At - _lastWrite >= persistence.WriteEvery)
        {
            await WriteAsync();
        }
        else
        {
            // If no more traffic comes, write these after the cadence's time anyway. A grain timer's
            // callback is a turn of its own, so it never runs inside another call.
            _flush ??= this.RegisterGrainTimer(
                static (grain, _) => grain.FlushAsync(), this, new GrainTimerCreationOptions(persistence.WriteEvery, Timeout.InfiniteTimeSpan));
        }
    }

    public Task<ClientDetail> GetDetailAsync() => Task.FromResult(Detail());

    public async Task<ClientDetail> SetOverrideAsync(ClientOverride? clientOverride)
    {
        Record.Override = clientOverride;
        Publish();
        await WriteAsync();
        return Detail();
    }

    public async Task<ClientDetail> ResetAsync()
    {
        var kept = Record.Override;
        state.State = new ClientRecord { Tenant = Record.Tenant, Client = Record.Client, Override = kept, Usage = Record.Usage };
        _monitors.Clear();
        _rate.Clear();
        _tenant.Clear();
        Publish();
        await WriteAsync();
        _detectorFlush?.Dispose();
        _detectorFlush = null;
        await detector.ClearStateAsync();
        await detectorChanges.ClearStateAsync();
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

    private async Task FlushAsync()
    {
        if (_unwritten > 0)
        {
            await WriteAsync();
        }
    }

    private Task SendTenantRows()
    {
        _tenantFlush?.Dispose();
        _tenantFlush = null;
        _tenant.SendPending();
        return Task.CompletedTask;
    }

    private void Learn(QueryObservation observation)
    {
        var record = Record;
        record.Queries += observation.Rows;
        record.LastSeen = observation.At;
        record.Usage.Add(observation.At, observation.Rows);
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
            monitor.Observe(inputs, observation.Probabilities.AsSpan(0, values), observation.Rows, observation.At, features, predicted);
            _tenant.Add(observation.Model, monitor.Dimensions, observation.Classes, features, predicted, observation.At);
            if (_tenant.HasPending)
            {
                _tenantFlush ??= this.RegisterGrainTimer(static (grain, _) => grain.SendTenantRows(), this,
                    new GrainTimerCreationOptions(TenantReporter.MaxDelay, Timeout.InfiniteTimeSpan));
            }
        }
        else
        {
            monitor.Observe(inputs, observation.Probabilities.AsSpan(0, values), observation.Rows, observation.At);
        }

        _rate.Add(observation.At, observation.Rows);
        UpdateSuspicion(observation.At);
    }

    private async Task WriteAsync()
    {
        _flush?.Dispose();
        _flush = null;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Another activation wrote first (InconsistentStateException) or the store failed: this
            // activation's view is stale or unsaved, so it goes, and the next call reloads from the store.
            logger.LogError(ex, "Client {Tenant}/{Client}: writing its record failed; the activation is dropped", Record.Tenant, Record.Client);
            DeactivateOnIdle();
            throw;
        }

        _unwritten = 0;
        _lastWrite = time.GetUtcNow();
        _tenant.Flush(Record.Summary());
    }

    private void UpdateSuspicion(DateTimeOffset now)
    {
        // The most suspicious of the client's models speaks for it; a raise is evidence, and a floor. Only
        // evidence may reach a level that changes labels (the evidence rule: EscalationLadder.LevelFor).
        var record = Record;
        var (detected, evidence) = (0.0, record.RaisedTo);
        foreach (var monitor in _monitors.Values)
        {
            detected = Math.Max(detected, monitor.Suspicion(now));
            evidence = Math.Max(evidence, monitor.Evidence(now));
        }

        record.Suspicion = Math.Max(detected, evidence);
        record.Evidence = evidence;
        var before = record.Escalation.Level;
        record.Escalation.Update(_ladder, record.Suspicion, evidence, now);
        ClientHistory.Add(record, before, now, _monitors.Values);
        Publish();
    }

    private void Publish()
    {
        var record = Record;
        var defense = ClientDefense.Decide(record, _ladder, _quota);
        _defense = defense;
        (record.Level, record.LevelName) = (_defense.Level, _defense.LevelName);
        localDefenses.Publish(_key, _defense);
    }

    private ClientMonitor MonitorOf(QueryObservation observation)
    {
        if (!_monitors.TryGetValue(observation.Model, out var monitor))
        {
            monitor = new ClientMonitor(featureSpaces.For(observation.Model, observation.InputLength), observation.Classes, suspicionOptions);
            _monitors[observation.Model] = monitor;
            Record.Horizons[observation.Model] = monitor.UseHorizons(Record.Horizons.GetValueOrDefault(observation.Model));
        }

        return monitor;
    }

    private ClientSignals Signals()
    {
        var split = Record.SplitReason.Length > 0;
        var now = time.GetUtcNow();
        var rate = _rate.PerMinute(now);
        var loudest = _monitors.Values.OrderByDescending(m => m.Suspicion(now)).FirstOrDefault();
        var signals = loudest?.Signals(rate, split, now) ?? new ClientSignals { QueryRate = rate, SplitAttack = split };
        return signals with { Evidence = Math.Max(signals.Evidence, Record.RaisedTo) };
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
            FlaggedSince = ClientHistory.FlaggedSince(record),
            Signals = Signals(),
            History = record.History.ToList(),
            Override = record.Override,
            Utility = record.Utility.Summary(),
            Quota = _quota is null ? null : record.Usage.StatusAt(_quota, time.GetUtcNow()),
        };
    }
}
