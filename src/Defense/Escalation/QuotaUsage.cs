using Mirage.Interfaces.Operators;

namespace Mirage.Defense.Escalation;

/// <summary>
/// A client's queries in the current UTC day and month, for its <see cref="UsageQuota"/>. Part of the
/// client's persisted record (plain public properties for JSON); time comes from the observations.
/// </summary>
public sealed class QuotaUsage
{
    /// <summary>Start (UTC midnight) of the day <see cref="Day"/> counts.</summary>
    public DateTimeOffset DayStart { get; set; }

    public long Day { get; set; }

    /// <summary>Start (UTC, the 1st at midnight) of the month <see cref="Month"/> counts.</summary>
    public DateTimeOffset MonthStart { get; set; }

    public long Month { get; set; }

    public void Add(DateTimeOffset at, int queries)
    {
        var (day, month) = PeriodsOf(at);
        if (day > DayStart)
        {
            (DayStart, Day) = (day, 0);
        }

        if (month > MonthStart)
        {
            (MonthStart, Month) = (month, 0);
        }

        // A late observation of an earlier period counts in the current one: a quota is never undercounted.
        Day += queries;
        Month += queries;
    }

    /// <summary>
    /// When the quota's current limits stop applying (the next UTC day or month), if this usage has reached
    /// either; null while under both. The answer is a moment, so the request path can compare it with its
    /// own clock after midnight without the client's grain having to wake.
    /// </summary>
    public DateTimeOffset? ExhaustedUntil(UsageQuota quota)
    {
        DateTimeOffset? until = null;
        if (quota.PerDay is { } perDay && Day >= perDay)
        {
            until = DayStart.AddDays(1);
        }

        if (quota.PerMonth is { } perMonth && Month >= perMonth)
        {
            until = MonthStart.AddMonths(1);
        }

        return until;
    }

    /// <summary>
    /// What the operators' detail shows of this usage under <paramref name="quota"/> at <paramref name="now"/>:
    /// a day or month that has ended since the last query counts 0 (the counts roll over on the next one).
    /// </summary>
    public QuotaStatus StatusAt(UsageQuota quota, DateTimeOffset now)
    {
        var (day, month) = PeriodsOf(now);
        var until = ExhaustedUntil(quota);
        return new QuotaStatus
        {
            PerDay = quota.PerDay,
            UsedToday = DayStart >= day ? Day : 0,
            PerMonth = quota.PerMonth,
            UsedThisMonth = MonthStart >= month ? Month : 0,
            Past = quota.Past,
            ExhaustedUntil = until > now ? until : null,
        };
    }

    private static (DateTimeOffset Day, DateTimeOffset Month) PeriodsOf(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return (new DateTimeOffset(utc.Date, TimeSpan.Zero), new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero));
    }
}
