using Mirage.Grains.Monitoring;

namespace Mirage.Grains.Tests.Monitoring;

public sealed class PooledQueryWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Keeps_the_newest_queries_up_to_its_capacity_and_forgets_clients_that_left()
    {
        var window = new PooledQueryWindow(capacity: 100, classes: 4, maximumAge: null);
        for (var q = 0; q < 1_000; q++)
        {
            // Every query from a new client: the client map must not grow past the window.
            window.Add($"c{q}", q % 4, lowConfidence: q % 2 == 0, Start.AddSeconds(q));
        }

        Assert.Equal(100, window.Count);
        Assert.Equal(100, window.Clients);
        Assert.True(window.QueriesByClient.ContainsKey("c999"));
        Assert.False(window.QueriesByClient.ContainsKey("c899"));
        Assert.Equal(0.5, window.LowConfidenceRate);
        Assert.Equal(1, window.Balance(), 12);
    }

    [Fact]
    public void Queries_older_than_the_maximum_age_leave()
    {
        var window = new PooledQueryWindow(capacity: 1_000, classes: 2, maximumAge: TimeSpan.FromMinutes(10));
        for (var minute = 0; minute < 30; minute++)
        {
            window.Add(minute < 20 ? "early" : "late", 0, lowConfidence: false, Start.AddMinutes(minute));
        }

        window.ExpireBefore(Start.AddMinutes(30));
        Assert.Equal(10, window.Count);
        Assert.Equal(["late"], window.QueriesByClient.Keys);
        // One class only: as unbalanced as a histogram gets.
        Assert.Equal(0, window.Balance(), 12);
    }
}
