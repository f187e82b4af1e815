using Mirage.Defense.Escalation;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;

namespace Mirage.Grains.Clients;

/// <summary>
/// What a client grain keeps across activations and writes on its cadence: counts, suspicion, level,
/// override, utility and history. The detectors' working sets are larger and written less often
/// (<see cref="DetectorRecord"/>).
/// </summary>
public sealed class ClientRecord
{
    public string Tenant { get; set; } = "";

    public string Client { get; set; } = "";

    public long Queries { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public double Suspicion { get; set; }

    /// <summary>A floor under the suspicion: raised by the tenant's watch, or carried over a reactivation.</summary>
    public double RaisedTo { get; set; }

    public string SplitReason { get; set; } = "";

    public ClientOverride? Override { get; set; }

    public UtilityCost Utility { get; set; }

    public EscalationTracker Escalation { get; set; } = new();

    public List<SuspicionPoint> History { get; set; } = [];

    /// <summary>The level and its name as last published (for the summary).</summary>
    public int Level { get; set; }

    public string LevelName { get; set; } = "clean";

    public ClientSummary Summary() => new()
    {
        Tenant = Tenant, Client = Client, Suspicion = Suspicion, Level = Level, LevelName = LevelName,
        Queries = Queries, Flagged = Escalation.Level > 0, LastSeen = LastSeen, FlaggedSince = ClientHistory.FlaggedSince(this),
    };
}
