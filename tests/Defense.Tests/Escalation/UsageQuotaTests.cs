using Mirage.Defense.Escalation;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Tests.Escalation;

/// <summary>The per-key quota: counted per UTC day and month, and what the answers become past it.</summary>
public sealed class UsageQuotaTests
{
    private static readonly DateTimeOffset Evening = new(2026, 3, 31, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_day_limit_holds_until_the_next_utc_midnight_and_the_next_day_counts_afresh()
    {
        var quota = new UsageQuota { PerDay = 100 };
        var usage = new QuotaUsage();
        usage.Add(Evening, 99);
        Assert.Null(usage.ExhaustedUntil(quota));

        usage.Add(Evening.AddMinutes(30), 1);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), usage.ExhaustedUntil(quota));

        usage.Add(Evening.AddHours(2), 5);  // April 1st, 01:00
        Assert.Equal(5, usage.Day);
        Assert.Null(usage.ExhaustedUntil(quota));
    }

    [Fact]
    public void The_status_shows_the_use_and_the_end_and_counts_a_period_that_has_ended_as_zero()
    {
        var quota = new UsageQuota { PerDay = 100, PerMonth = 1_000, Past = PastQuota.LabelOnly };
        var usage = new QuotaUsage();
        usage.Add(Evening.AddDays(-1), 300);
        usage.Add(Evening, 100);

        var now = usage.StatusAt(quota, Evening.AddMinutes(5));
        Assert.Equal((100L, 100L, 1_000L, 400L, PastQuota.LabelOnly), (now.PerDay!.Value, now.UsedToday, now.PerMonth!.Value, now.UsedThisMonth, now.Past));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), now.ExhaustedUntil);

        // After midnight (April 1st) and before the next query: a new day and a new month, nothing used.
        var later = usage.StatusAt(quota, Evening.AddHours(2));
        Assert.Equal((0L, 0L), (later.UsedToday, later.UsedThisMonth));
        Assert.Null(later.ExhaustedUntil);
    }

    [Fact]
    public void The_month_limit_holds_until_the_first_of_the_next_month_across_days()
    {
        var quota = new UsageQuota { PerDay = 1_000, PerMonth = 1_500 };
        var usage = new QuotaUsage();
        usage.Add(Evening.AddDays(-2), 900);
        usage.Add(Evening.AddDays(-1), 600);

        Assert.Equal(600, usage.Day);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), usage.ExhaustedUntil(quota));
        usage.Add(Evening.AddHours(2), 1);
        Assert.Equal(1, usage.Month);
    }

    [Fact]
    public void Past_the_quota_each_action_answers_its_policy_and_never_weakens_a_harsher_one()
    {
        var ladder = EscalationLadder.Default;
        var attack = ladder.Levels[^1].Policy;
        var watch = ladder.Levels[1].Policy;

        Assert.Equal(PerturbationPolicy.Block, new UsageQuota { PerDay = 1, Past = PastQuota.Block }.PolicyPast(ladder, watch));
        Assert.Equal(PerturbationPolicy.LabelOnly, new UsageQuota { PerDay = 1, Past = PastQuota.LabelOnly }.PolicyPast(ladder, watch));
        Assert.Equal(attack, new UsageQuota { PerDay = 1, Past = PastQuota.Poison }.PolicyPast(ladder, PerturbationPolicy.None));
        // A client already poisoned keeps its poison under label_only, and a blocked one stays blocked.
        Assert.Equal(attack, new UsageQuota { PerDay = 1, Past = PastQuota.LabelOnly }.PolicyPast(ladder, attack));
        Assert.Equal(PerturbationPolicy.Block, new UsageQuota { PerDay = 1, Past = PastQuota.Poison }.PolicyPast(ladder, PerturbationPolicy.Block));
    }

    [Fact]
    public void A_quota_that_cannot_work_is_refused_with_what_to_fix()
    {
        var cleanOnly = new EscalationLadder([TestLadders.Level("clean", 0)], TestLadders.Calm);
        Assert.Contains("PerDay, PerMonth", new UsageQuota().Problem(cleanOnly));
        Assert.Contains("at least 1", new UsageQuota { PerMonth = 0 }.Problem(cleanOnly));
        Assert.Contains("changes labels", new UsageQuota { PerDay = 5, Past = PastQuota.Poison }.Problem(cleanOnly));
        Assert.Null(new UsageQuota { PerDay = 5, Past = PastQuota.Poison }.Problem(EscalationLadder.Default));

        var ladders = new EscalationLadders(new Dictionary<string, EscalationLadder> { ["plain"] = cleanOnly });
        var error = Assert.Throws<ArgumentException>(() => new UsageQuotas(
            new Dictionary<string, UsageQuota> { ["plain"] = new() { PerDay = 5, Past = PastQuota.Poison } }, ladders));
        Assert.Contains("Tenant plain", error.Message);
    }
}
