using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class TenantWatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_volume_rule_is_off_by_default()
    {
        var watch = new TenantWatch(10, 4, new TenantWatchOptions(), new SuspicionOptions());
        var random = new Random(1);
        for (var i = 0; i < 2000; i++)
        {
            var (involved, _) = watch.Observe($"k{i % 3}", Features(random, 10, 4), [.. Enumerable.Range(0, 10)], 4, Start.AddSeconds(i * 0.01));
            Assert.Empty(involved);
        }
    }

    [Fact]
    public void With_a_budget_a_few_keys_sweeping_evenly_are_raised_and_a_crowd_is_not()
    {
        var options = new TenantWatchOptions { WindowBudget = 3_000 };
        var random = new Random(2);

        var few = new TenantWatch(10, 4, options, new SuspicionOptions());
        IReadOnlyList<string> raised = [];
        for (var i = 0; i < 400 && raised.Count == 0; i++)
        {
            (raised, _) = few.Observe($"split-{i % 5}", Features(random, 10, 4), [.. Enumerable.Range(0, 10)], 4, Start.AddSeconds(i));
        }

        Assert.Equal(["split-0", "split-1", "split-2", "split-3", "split-4"], raised);

        var crowd = new TenantWatch(10, 4, options, new SuspicionOptions());
        for (var i = 0; i < 400; i++)
        {
            var (involved, _) = crowd.Observe($"user-{i % 40}", Features(random, 10, 4), [.. Enumerable.Range(0, 10)], 4, Start.AddSeconds(i));
            Assert.Empty(involved);
        }
    }

    [Fact]
    public void Queries_older_than_the_window_stop_counting()
    {
        var watch = new TenantWatch(10, 4, new TenantWatchOptions { WindowBudget = 1_000, Window = TimeSpan.FromMinutes(1) }, new SuspicionOptions());
        var random = new Random(3);
        for (var i = 0; i < 300; i++)
        {
            // 10 queries every 10 s: 60 a minute, far below the budget however long it goes on.
            var (involved, _) = watch.Observe("slow", Features(random, 10, 4), [.. Enumerable.Range(0, 10)], 4, Start.AddSeconds(i * 10));
            Assert.Empty(involved);
        }

        Assert.True(watch.WindowQueries <= 70);
    }

    private static float[] Features(Random random, int rows, int dimensions) =>
        Enumerable.Range(0, rows * dimensions).Select(_ => (float)(random.NextDouble() * 10)).ToArray();
}
