using Mirage.Defense.Monitoring;
using Mirage.Interfaces.Operators;

namespace Mirage.Grains.Clients;

/// <summary>
/// A client's history for operators to plot (docs/API.md, the detail's <c>history</c>): up to
/// <see cref="Capacity"/> points, one a minute or at each level change, oldest first, each with what the
/// loudest detector said then.
/// </summary>
internal static class ClientHistory
{
    public const int Capacity = 240;

    /// <summary>Adds a point when the level changed since <paramref name="levelBefore"/>, the history is empty, or a minute passed.</summary>
    public static void Add(ClientRecord record, int levelBefore, DateTimeOffset now, IEnumerable<ClientMonitor> monitors)
    {
        var history = record.History;
        if (history.Count > 0 && levelBefore == record.Escalation.Level && now - history[^1].At < TimeSpan.FromMinutes(1))
        {
            return;
        }

        if (history.Count == Capacity)
        {
            history.RemoveAt(0);
        }

        ClientMonitor? loudest = null;
        foreach (var monitor in monitors)
        {
            if (loudest is null || monitor.Suspicion(now) > loudest.Suspicion(now))
            {
                loudest = monitor;
            }
        }

        var w = loudest is null || double.IsNaN(loudest.Prada.W) ? 1 : loudest.Prada.W;
        history.Add(new SuspicionPoint(now, record.Suspicion, record.Escalation.Level, w, loudest?.LowConfidenceRate ?? 0));
    }

    /// <summary>
    /// The first point of the history's unbroken run above level 0 (every level change is a point, so
    /// the last point is the current level); null while the client is at level 0.
    /// </summary>
    public static DateTimeOffset? FlaggedSince(ClientRecord record)
    {
        if (record.Escalation.Level == 0)
        {
            return null;
        }

        DateTimeOffset? since = null;
        var history = record.History;
        for (var i = history.Count - 1; i >= 0 && history[i].Level > 0; i--)
        {
            since = history[i].At;
        }

        return since;
    }
}
