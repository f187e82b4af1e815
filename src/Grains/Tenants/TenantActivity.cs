using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;

namespace Mirage.Grains.Tenants;

/// <summary>
/// What the tenant's overview shows beyond its clients' summaries, kept small because the tenant record
/// carries it: inputs per minute for the last hour (at most 60 counts), the flags of the last hour (at
/// most <see cref="MaxFlags"/>) and the latest split-attack alerts (at most <see cref="MaxAlerts"/>).
/// </summary>
public sealed class TenantActivity
{
    public const int Minutes = 60;
    public const int MaxFlags = 1000;
    public const int MaxAlerts = 20;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Minutes that had queries, oldest first, none older than an hour.</summary>
    public List<MinuteQueries> QueriesPerMinute { get; set; } = [];

    /// <summary>Clients that left level 0, oldest first.</summary>
    public List<FlagEvent> Flags { get; set; } = [];

    /// <summary>The watch's alerts, oldest first.</summary>
    public List<SplitAttackAlert> Alerts { get; set; } = [];

    /// <summary>Learns from a client's new summary: the inputs it sent since the last one and whether it was just flagged.</summary>
    public void Report(ClientSummary? before, ClientSummary now, DateTimeOffset at)
    {
        // A reset client starts counting again from 0: all of its count is new.
        var sent = before is null || now.Queries < before.Queries ? now.Queries : now.Queries - before.Queries;
        if (sent > 0)
        {
            AddQueries(at, sent);
        }

        if (now.Flagged && before is not { Flagged: true })
        {
            Flags.Add(new FlagEvent(now.FlaggedSince ?? at, now.Client, now.Level));
            Trim(Flags, MaxFlags);
        }

        Expire(at);
    }

    /// <summary>
    /// Records a firing of the watch. The watch raises an attack's keys as their queries reach it, over
    /// several firings; a firing on the same model within <paramref name="window"/> of the last alert's
    /// is the same attack, so its keys join that alert (which keeps its first time) instead of starting one.
    /// </summary>
    public void Alert(SplitAttackAlert alert, TimeSpan window)
    {
        if (Alerts.Count > 0 && Alerts[^1] is var last && last.Model == alert.Model && alert.At - last.At <= window)
        {
            Alerts[^1] = last with { Reason = alert.Reason, Clients = [.. last.Clients.Union(alert.Clients, StringComparer.Ordinal)] };
            return;
        }

        Alerts.Add(alert);
        Trim(Alerts, MaxAlerts);
    }

    /// <summary>The last hour's minutes, each one present (0 when nothing came), oldest first.</summary>
    public IReadOnlyList<MinuteQueries> LastHour(DateTimeOffset now)
    {
        var current = MinuteOf(now);
        var minutes = new MinuteQueries[Minutes];
        for (var i = 0; i < Minutes; i++)
        {
            minutes[i] = new MinuteQueries(current.AddMinutes(i - Minutes + 1), 0);
        }

        foreach (var counted in QueriesPerMinute)
        {
            var index = Minutes - 1 - (int)((current - counted.Minute).Ticks / TimeSpan.TicksPerMinute);
            if (index is >= 0 and < Minutes)
            {
                minutes[index] = counted;
            }
        }

        return minutes;
    }

    public IReadOnlyList<FlagEvent> FlagsSince(DateTimeOffset since) => Flags.Where(f => f.At >= since).ToList();

    private void AddQueries(DateTimeOffset at, long sent)
    {
        var minute = MinuteOf(at);
        if (QueriesPerMinute.Count > 0 && QueriesPerMinute[^1].Minute == minute)
        {
            QueriesPerMinute[^1] = QueriesPerMinute[^1] with { Queries = QueriesPerMinute[^1].Queries + sent };
        }
        else
        {
            QueriesPerMinute.Add(new MinuteQueries(minute, sent));
        }
    }

    private void Expire(DateTimeOffset now)
    {
        var oldest = MinuteOf(now).AddMinutes(1 - Minutes);
        QueriesPerMinute.RemoveAll(m => m.Minute < oldest);
        Flags.RemoveAll(f => f.At < now - Hour);
    }

    private static void Trim<T>(List<T> items, int capacity)
    {
        if (items.Count > capacity)
        {
            items.RemoveRange(0, items.Count - capacity);
        }
    }

    private static DateTimeOffset MinuteOf(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}
