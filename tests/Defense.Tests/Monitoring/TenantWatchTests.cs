using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class TenantWatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_volume_rule_is_off_by_default()
    {
        var watch = new TenantWatch(10, 16, new TenantWatchOptions(), new SuspicionOptions());
        var streams = new SyntheticStreams(seed: 1);
        for (var i = 0; i < 2000; i++)
        {
            var (involved, _) = Send(watch, $"k{i % 3}", streams, Start.AddSeconds(i * 0.01));
            Assert.Empty(involved);
        }
    }

    [Fact]
    public void With_a_budget_a_few_keys_sweeping_evenly_are_raised_and_a_crowd_is_not()
    {
        var options = new TenantWatchOptions { WindowBudget = 3_000 };
        var streams = new SyntheticStreams(seed: 2);

        var few = new TenantWatch(10, 16, options, new SuspicionOptions());
        IReadOnlyList<string> raised = [];
        for (var i = 0; i < 400 && raised.Count == 0; i++)
        {
            (raised, _) = Send(few, $"split-{i % 5}", streams, Start.AddSeconds(i));
        }

        Assert.Equal(["split-0", "split-1", "split-2", "split-3", "split-4"], raised);

        var crowd = new TenantWatch(10, 16, options, new SuspicionOptions());
        for (var i = 0; i < 400; i++)
        {
            var (involved, reason) = Send(crowd, $"user-{i % 40}", streams, Start.AddSeconds(i));
            Assert.True(involved.Count == 0, $"query {i * 10}: {string.Join(", ", involved)}: {reason}");
        }
    }

    [Fact]
    public void Queries_older_than_the_window_stop_counting()
    {
        var watch = new TenantWatch(10, 16, new TenantWatchOptions { WindowBudget = 1_000, Window = TimeSpan.FromMinutes(1) }, new SuspicionOptions());
        var streams = new SyntheticStreams(seed: 3);
        for (var i = 0; i < 300; i++)
        {
            // 10 queries every 10 s: 60 a minute, far below the budget however long it goes on.
            var (involved, _) = Send(watch, "slow", streams, Start.AddSeconds(i * 10));
            Assert.Empty(involved);
        }

        Assert.True(watch.WindowQueries <= 70);
    }

    /// <summary>
    /// One request of 10 natural-like queries (Gaussian clusters, one per class, in 16 dimensions): each key's own
    /// pooled-distance series looks benign, as real images' do (uniform points in 4 dimensions did not: their
    /// nearest-neighbour distances are skewed, and a key's own test at 50 distances failed them).
    /// </summary>
    private static (IReadOnlyList<string> Involved, string? Reason) Send(TenantWatch watch, string key, SyntheticStreams streams, DateTimeOffset at)
    {
        var queries = Enumerable.Range(0, 10).Select(_ => streams.Natural()).ToArray();
        var features = queries.SelectMany(q => q.Features.Select(v => (float)v)).ToArray();
        return watch.Observe(key, features, [.. queries.Select(q => q.Class)], streams.Dimensions, at);
    }
}
