using Mirage.Grains.Escalation;
using Mirage.Grains.Monitoring;
using Mirage.Grains.Perturbation;
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
    EscalationLadders ladders, FeatureSpaces featureSpaces, SuspicionOptions suspicionOptions, TenantWatchOptions tenantWatch, TimeProvider time)
    : Grain, IClientGrain
{
    private const int HistoryCapacity = 240;

    private readonly List<SuspicionPoint> _history = [];
    private readonly EscalationTracker _escalation = new();
    private EscalationLadder _ladder = EscalationLadder.Default;
    private string _tenant = "";
    private string _client = "";
    private long _queries;
    private DateTimeOffset _lastSeen;
    private double _suspicion;
    private double _raisedTo;
    private ClientOverride? _override;
    private UtilityCost _utility;
    private readonly Dictionary<string, ClientMonitor> _monitors = new(StringComparer.Ordinal);
    private readonly RateMeter _rate = new();
    private string _splitReason = "";

    // Published atomically after every turn; the request path reads it without queueing behind turns.
    private volatile DefenseDecision _defense = DefenseDecision.Clean;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenant, _client) = ClientGrainKey.Parse(GrainKey);
        _ladder = ladders.For(_tenant);
        Publish();
        return Task.CompletedTask;
    }

    public Task<DefenseDecision> GetDefenseAsync() => Task.FromResult(_defense);

    public Task ObserveAsync(QueryObservation observation)
    {
        try
        {
            _queries += observation.Rows;
            _lastSeen = observation.At;
            var values = observation.Rows * observation.Classes;
            _utility.Add(observation.Probabilities.AsSpan(0, values), observation.Answered.AsSpan(0, values), observation.Classes);
            var monitor = MonitorOf(observation);
            var inputs = observation.Inputs.AsSpan(0, observation.Rows * observation.InputLength);
            if (_queries - observation.Rows < tenantWatch.YoungKeyQueries)
            {
                // A young key: its tenant watches it together with the tenant's other young keys.
                var features = new double[observation.Rows * monitor.Dimensions];
                var predicted = new int[observation.Rows];
                monitor.Observe(inputs, observation.Probabilities.AsSpan(0, values), observation.Rows, features, predicted);
                _ = GrainFactory.GetGrain<ITenantGrain>(_tenant).ObserveAsync(new TenantObservation(
                    _client, observation.Model, observation.Rows, monitor.Dimensions, observation.Classes, features, predicted, observation.At));
            }
            else
            {
                monitor.Observe(inputs, observation.Probabilities.AsSpan(0, values), observation.Rows);
            }

            _rate.Add(observation.At, observation.Rows);
            UpdateSuspicion(observation.At);
        }
        finally
        {
            observation.Release?.Invoke(observation);
        }

        return Task.CompletedTask;
    }

    public Task<ClientDetail> GetDetailAsync() => Task.FromResult(Detail());

    public Task<ClientDetail> SetOverrideAsync(ClientOverride? clientOverride)
    {
        _override = clientOverride;
        Publish();
        return Task.FromResult(Detail());
    }

    public Task<ClientDetail> ResetAsync()
    {
        _queries = 0;
        _suspicion = 0;
        _raisedTo = 0;
        _utility = default;
        _monitors.Clear();
        _rate.Clear();
        _splitReason = "";
        _history.Clear();
        _escalation.Reset();
        Publish();
        return Task.FromResult(Detail());
    }

    public Task RaiseAsync(double suspicion, string reason)
    {
        _raisedTo = Math.Max(_raisedTo, Math.Clamp(suspicion, 0, 1));
        _splitReason = reason;
        UpdateSuspicion(time.GetUtcNow());
        return Task.CompletedTask;
    }

    private void UpdateSuspicion(DateTimeOffset now)
    {
        // The most suspicious of the client's models speaks for it; a raise from the tenant's watch is a floor.
        var detected = _monitors.Count == 0 ? 0 : _monitors.Values.Max(m => m.Suspicion());
        _suspicion = Math.Max(detected, _raisedTo);
        var before = _escalation.Level;
        _escalation.Update(_ladder, _suspicion, now);
        if (_history.Count == 0 || before != _escalation.Level || now - _history[^1].At >= TimeSpan.FromMinutes(1))
        {
            if (_history.Count == HistoryCapacity)
            {
                _history.RemoveAt(0);
            }

            _history.Add(new SuspicionPoint(now, _suspicion, _escalation.Level));
        }

        Publish();
    }

    private void Publish()
    {
        var level = _escalation.Level;
        var rung = _ladder.Levels[level];
        _defense = _override switch
        {
            { Block: true } => new DefenseDecision(level, rung.Name, PerturbationPolicy.Block),
            { Exempt: true } => new DefenseDecision(level, rung.Name, PerturbationPolicy.None),
            { Policy: { } policy } => new DefenseDecision(level, rung.Name, policy),
            { Level: { } pinned } when pinned < _ladder.Levels.Count =>
                new DefenseDecision(pinned, _ladder.Levels[pinned].Name, _ladder.Levels[pinned].Policy),
            _ => new DefenseDecision(level, rung.Name, rung.Policy),
        };
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
        var split = _splitReason.Length > 0;
        var rate = _rate.PerMinute(time.GetUtcNow());
        var loudest = _monitors.Values.OrderByDescending(m => m.Suspicion()).FirstOrDefault();
        return loudest?.Signals(rate, split) ?? new ClientSignals { QueryRate = rate, SplitAttack = split };
    }

    private ClientDetail Detail()
    {
        var defense = _defense;
        return new ClientDetail
        {
            Tenant = _tenant,
            Client = _client,
            Suspicion = _suspicion,
            Level = defense.Level,
            LevelName = defense.LevelName,
            Queries = _queries,
            Flagged = _escalation.Level > 0,
            LastSeen = _lastSeen,
            Signals = Signals(),
            History = _history.ToList(),
            Override = _override,
            Utility = _utility.Summary(),
        };
    }
}
