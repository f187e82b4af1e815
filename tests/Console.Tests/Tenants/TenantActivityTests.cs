using Mirage.Grains.Tenants;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;

namespace Mirage.Console.Tests.Tenants;

/// <summary>The tenant overview's memory: inputs per minute, flags and alerts of the last hour, kept small.</summary>
public sealed class TenantActivityTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 0, 30, TimeSpan.Zero);

    private static ClientSummary Summary(string client, long queries, int level = 0) =>
        new() { Tenant = "t", Client = client, Queries = queries, Level = level, Flagged = level > 0 };

    [Fact]
    public void Each_report_adds_the_inputs_sent_since_the_clients_last_one_to_its_minute()
    {
        var activity = new TenantActivity();
        activity.Report(null, Summary("a", 100), Noon);
        activity.Report(Summary("a", 100), Summary("a", 150), Noon.AddSeconds(10));
        activity.Report(null, Summary("b", 7), Noon.AddSeconds(20));
        activity.Report(Summary("a", 150), Summary("a", 170), Noon.AddMinutes(2));

        var hour = activity.LastHour(Noon.AddMinutes(2));
        Assert.Equal(TenantActivity.Minutes, hour.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 12, 2, 0, TimeSpan.Zero), hour[^1].Minute);
        Assert.Equal([157L, 0L, 20L], hour.TakeLast(3).Select(m => m.Queries));
        Assert.Equal(177, hour.Sum(m => m.Queries));
    }

    [Fact]
    public void A_reset_client_counts_from_zero_and_minutes_older_than_an_hour_are_forgotten()
    {
        var activity = new TenantActivity();
        activity.Report(null, Summary("a", 500), Noon);
        activity.Report(Summary("a", 500), Summary("a", 30), Noon.AddMinutes(30));
        Assert.Equal(530, activity.LastHour(Noon.AddMinutes(30)).Sum(m => m.Queries));

        activity.Report(Summary("a", 30), Summary("a", 31), Noon.AddMinutes(75));
        Assert.Equal(2, activity.QueriesPerMinute.Count);
        Assert.Equal(31, activity.LastHour(Noon.AddMinutes(75)).Sum(m => m.Queries));
    }

    [Fact]
    public void A_flag_is_counted_when_a_client_leaves_level_0_not_while_it_stays_above()
    {
        var activity = new TenantActivity();
        activity.Report(null, Summary("a", 10), Noon);
        activity.Report(Summary("a", 10), Summary("a", 20, level: 1), Noon.AddMinutes(1));
        activity.Report(Summary("a", 20, level: 1), Summary("a", 30, level: 3), Noon.AddMinutes(2));
        activity.Report(Summary("a", 30, level: 3), Summary("a", 40), Noon.AddMinutes(3));
        activity.Report(Summary("a", 40), Summary("a", 50, level: 2), Noon.AddMinutes(4));

        Assert.Equal([("a", 1), ("a", 2)], activity.FlagsSince(Noon).Select(f => (f.Client, f.Level)));
        Assert.Single(activity.FlagsSince(Noon.AddMinutes(3)));
        activity.Report(Summary("b", 1), Summary("b", 2), Noon.AddMinutes(62));
        Assert.Single(activity.Flags);
    }

    [Fact]
    public void Flags_and_alerts_are_capped_keeping_the_newest()
    {
        var activity = new TenantActivity();
        for (var i = 0; i < TenantActivity.MaxFlags + 10; i++)
        {
            activity.Report(null, Summary($"c{i}", 1, level: 1), Noon);
        }

        for (var i = 0; i < TenantActivity.MaxAlerts + 5; i++)
        {
            activity.Alert(new SplitAttackAlert(Noon.AddMinutes(i), $"m{i % 2}", "why", [$"k{i}"]), TimeSpan.FromMinutes(10));
        }

        Assert.Equal(TenantActivity.MaxFlags, activity.Flags.Count);
        Assert.Equal("c10", activity.Flags[0].Client);
        Assert.Equal(TenantActivity.MaxAlerts, activity.Alerts.Count);
        Assert.Equal(["k5"], activity.Alerts[0].Clients);
    }

    [Fact]
    public void Firings_on_the_same_model_within_the_window_are_one_alert_with_every_key()
    {
        var activity = new TenantActivity();
        var window = TimeSpan.FromMinutes(10);
        activity.Alert(new SplitAttackAlert(Noon, "m", "first", ["a", "b"]), window);
        activity.Alert(new SplitAttackAlert(Noon.AddMinutes(1), "m", "second", ["b", "c"]), window);
        activity.Alert(new SplitAttackAlert(Noon.AddMinutes(2), "other", "elsewhere", ["x"]), window);
        activity.Alert(new SplitAttackAlert(Noon.AddMinutes(30), "other", "later", ["y"]), window);

        Assert.Equal(3, activity.Alerts.Count);
        Assert.Equal("second", activity.Alerts[0].Reason);
        Assert.Equal(["a", "b", "c"], activity.Alerts[0].Clients);
        Assert.Equal(Noon, activity.Alerts[0].At);
        Assert.Equal(["y"], activity.Alerts[2].Clients);
    }
}
