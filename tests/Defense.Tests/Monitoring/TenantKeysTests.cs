using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class TenantKeysTests
{
    [Fact]
    public void Past_the_cap_the_key_seen_least_recently_is_forgotten()
    {
        var keys = new TenantKeys(capacity: 3, distances: 8);
        keys.Of("a", 1).Add(1, 0);
        keys.Of("b", 2);
        keys.Of("c", 3);
        keys.Of("a", 4);  // a is seen again: b is now the least recent

        keys.Of("d", 5);

        Assert.Equal(3, keys.Count);
        Assert.Null(keys.Find("b"));
        Assert.Equal(1, keys.Find("a")!.Samples);
    }

    [Fact]
    public void A_series_tests_its_newest_distances_only()
    {
        var series = new TenantKeySeries(capacity: 4);
        foreach (var distance in new[] { 9.0, 1.0, 2.0, 3.0, 5.0 })
        {
            series.Add(distance, 0);
        }

        Assert.Equal((5L, 4), (series.Samples, series.Held));
        // The first (9) was pushed out.
        Assert.Equal(ShapiroWilk.Test([1.0, 2.0, 3.0, 5.0]).W, series.Test(new double[4]), 6);
    }

    [Fact]
    public void A_series_stands_where_its_distances_rank_among_the_pooled_detector_s_newest()
    {
        // One class on a line: points 0, 1, 3, 6, ... each joins the growing set, so the pooled distances
        // are 1, 2, 3, ... 20; a key's distances of 2 stand below 18.5 of the 20 (ties half).
        var pooled = new PradaDetector(1, 1, new PradaOptions());
        var x = 0f;
        pooled.Observe([x], 0);
        for (var step = 1; step <= 20; step++)
        {
            pooled.Observe([x += step], 0);
        }

        var series = new TenantKeySeries(capacity: 4);
        series.Add(2, 0);
        series.Add(2, 0);
        Assert.Equal(1.5 / 20, series.StandingAmong(pooled, newest: 100), 6);
        // Among the newest 10 (11 to 20) it stands below all.
        Assert.Equal(0, series.StandingAmong(pooled, newest: 10), 6);
        Assert.True(double.IsNaN(series.StandingAmong(new PradaDetector(1, 1, new PradaOptions()), 100)), "no pooled distances yet");
    }

    [Theory]
    [InlineData("KeyDistances", 2, 3, 0.3, 1)]
    [InlineData("KeySamples", 128, 200, 0.3, 1)]
    [InlineData("KeyStanding", 128, 50, 0, 1)]
    [InlineData("TrackedKeys", 128, 50, 0.3, 0)]
    public void Settings_the_watch_cannot_run_with_are_refused_by_name(string setting, int distances, int samples, double standing, int tracked)
    {
        var options = new TenantWatchOptions { KeyDistances = distances, KeySamples = samples, KeyStanding = standing, TrackedKeys = tracked };
        var error = Assert.Throws<ArgumentException>(() => new TenantWatch(10, 4, options, new SuspicionOptions()));
        Assert.Contains(setting, error.Message);
    }
}
