using Mirage.Defense.Escalation;
using Mirage.Defense.Monitoring;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;

namespace Mirage.Grains.Clients;

/// <summary>
/// What a client grain keeps across activations and writes on its cadence: counts, suspicion, level,
/// override, utility, history, the volume horizons and the quota's usage (each a few hundred numbers at most). The detectors' working sets are larger and written less often
/// (<see cref="DetectorRecord"/>).
/// </summary>
public sealed class ClientRecord
{
    public string Tenant { get; set; } = "";

    public string Client { get; set; } = "";

    public long Queries { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public double Suspicion { get; set; }

    /// <summary>The suspicion's evidence (docs/DETECTION.md, the evidence rule); null in records stored before it was kept.</summary>
    public double? Evidence { get; set; }

    /// <summary>A floor under the evidence: raised by the tenant's watch, or carried over a reactivation.</summary>
    public double RaisedTo { get; set; }

    public string SplitReason { get; set; } = "";

    public ClientOverride? Override { get; set; }

    public UtilityCost Utility { get; set; }

    public EscalationTracker Escalation { get; set; } = new();

    public List<SuspicionPoint> History { get; set; } = [];

    /// <summary>Per model: the queries and predicted classes over the volume's horizons.</summary>
    public Dictionary<string, QueryHorizons> Horizons { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Queries this UTC day and month, for the tenant's quota (kept by a reset: a reset forgets suspicion, not usage).</summary>
    public QuotaUsage Usage { get; set; } = new();

    /// <summary>The level and its name as last published (for the summary).</summary>
    public int Level { get; set; }

    public string LevelName { get; set; } = "clean";

    public ClientSummary Summary() => new()
    {
        Tenant = Tenant, Client = Client, Suspicion = Suspicion, Level = Level, LevelName = LevelName,
        Queries = Queries, Flagged = Escalation.Level > 0, LastSeen = LastSeen, FlaggedSince = ClientHistory.FlaggedSince(this),
    };
}
