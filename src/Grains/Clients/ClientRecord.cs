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
        Queries = Queries, Flagged = Escalation.Level > 0, LastSeen = LastSeen, FlaggedSince = FlaggedSince(),
    };

    /// <summary>
    /// The first point of the history's unbroken run above level 0 (the history records every level
    /// change, so its last point is the current level); null while the client is at level 0.
    /// </summary>
    public DateTimeOffset? FlaggedSince()
    {
        DateTimeOffset? since = null;
        for (var i = History.Count - 1; i >= 0 && History[i].Level > 0; i--)
        {
            since = History[i].At;
        }

        return Escalation.Level > 0 ? since : null;
    }
}
