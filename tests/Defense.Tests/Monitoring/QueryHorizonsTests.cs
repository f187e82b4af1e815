using System.Text.Json;
using Mirage.Defense.Tests.Escalation;
using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// The volume's horizons: a multiset of predicted classes per bucket, so the order of the queries changes
/// nothing, and time from the observations, so a pause within the horizon keeps what was counted.
/// </summary>
public sealed class QueryHorizonsTests
{
    private static readonly SuspicionOptions Options = new();
    private static readonly DateTimeOffset Start = EvidenceRuleTests.Start;

    [Fact]
    public void Class_blocks_and_the_same_queries_shuffled_get_the_same_signals_and_are_flagged_at_the_same_count()
    {
        var streams = new SyntheticStreams(seed: 8);
        var shuffled = Enumerable.Range(0, 6_000).Select(_ => streams.Natural()).ToList();
        var sorted = shuffled.OrderBy(q => q.Class).ToList();

        var (shuffledFlaggedAt, shuffledSignals) = FlaggedAt(shuffled);
        var (sortedFlaggedAt, sortedSignals) = FlaggedAt(sorted);

        Assert.Equal(shuffledFlaggedAt, sortedFlaggedAt);
        Assert.InRange(shuffledFlaggedAt, 3_000, 4_500);  // the hour's ramp reaches "watch" (0.4) near 3,500
        Assert.Equal(shuffledSignals.ClassBalance, sortedSignals.ClassBalance);
        Assert.Equal(shuffledSignals.ClassCoverage, sortedSignals.ClassCoverage);
        Assert.Equal(1, sortedSignals.ClassCoverage);
        Assert.True(sortedSignals.ClassBalance > 0.99, $"balance {sortedSignals.ClassBalance}");
    }

    [Fact]
    public void A_pause_within_the_hour_keeps_the_count_and_the_day_keeps_it_after_the_hour()
    {
        var horizons = QueryHorizons.For(Options, classes: 10);
        Add(horizons, 3_000, Start);
        Add(horizons, 3_000, Start.AddMinutes(12));

        Assert.Equal(6_000, horizons.Short.Queries(Start.AddMinutes(12)));
        Assert.Equal(1, horizons.Volume(Options, Start.AddMinutes(12)));
        // Past the hour (and its last bucket) the short horizon has forgotten; the day has not.
        Assert.Equal(0, horizons.Short.Queries(Start.AddMinutes(12 + 65)));
        Assert.Equal(6_000, horizons.Long.Queries(Start.AddMinutes(12 + 65)));
        Assert.Equal(0, horizons.Volume(Options, Start.AddMinutes(12 + 65)));
        Assert.Equal(0, horizons.Long.Queries(Start.AddDays(1).AddHours(1)));
    }

    [Fact]
    public void The_day_horizon_catches_a_client_that_paces_itself_under_the_hour()
    {
        var horizons = QueryHorizons.For(Options, classes: 10);
        for (var hour = 0; hour < 12; hour++)
        {
            Add(horizons, 1_900, Start.AddHours(hour));
            Assert.Equal(0, Options.ShortHorizon.Ramp(horizons.Short.Queries(Start.AddHours(hour))));
        }

        Assert.Equal(1, horizons.Volume(Options, Start.AddHours(11)));
    }

    [Fact]
    public void A_bucket_reused_by_the_ring_starts_empty_and_a_late_observation_older_than_the_horizon_is_dropped()
    {
        var counts = HorizonCounts.For(Options.ShortHorizon, classes: 3);
        counts.Add(Start, 1);
        counts.Add(Start.AddHours(1), 2);  // the same ring slot, an hour later
        counts.Add(Start, 0);              // older than the horizon now

        Span<int> histogram = stackalloc int[3];
        counts.Histogram(Start.AddHours(1), histogram);
        Assert.Equal([0, 0, 1], histogram.ToArray());
    }

    [Fact]
    public void Counts_kept_as_json_come_back_whole_and_counts_of_another_configuration_do_not_fit()
    {
        var horizons = QueryHorizons.For(Options, classes: 10);
        Add(horizons, 1_234, Start);
        var restored = JsonSerializer.Deserialize<QueryHorizons>(JsonSerializer.Serialize(horizons))!;

        Assert.True(restored.Fits(Options, 10));
        Assert.Equal(1_234, restored.Short.Queries(Start));
        Assert.False(restored.Fits(Options, 11));
        Assert.False(restored.Fits(Options with { ShortHorizon = Options.ShortHorizon with { Buckets = 60 } }, 10));
        // A model with more classes than MaxClasses is counted in groups, so its record stays small.
        Assert.Equal(QueryHorizons.MaxClasses, QueryHorizons.For(Options, 1_000).Long.Classes);
    }

    private static void Add(QueryHorizons horizons, int queries, DateTimeOffset at)
    {
        for (var q = 0; q < queries; q++)
        {
            horizons.Add(at, q % 10);
        }
    }

    /// <summary>The first query count at which the stream is flagged (all in one minute), and its signals at the end.</summary>
    private static (int FlaggedAt, Interfaces.Operators.ClientSignals Signals) FlaggedAt(IReadOnlyList<(double[] Features, int Class)> queries)
    {
        var (levels, monitor) = EvidenceRuleTests.Run(queries);
        return (levels.FindIndex(l => l > 0) + 1, monitor.Signals(0, false, EvidenceRuleTests.Start));
    }
}
