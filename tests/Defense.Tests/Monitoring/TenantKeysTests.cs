using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class TenantKeysTests
{
    [Fact]
    public void Past_the_cap_the_key_seen_least_recently_is_forgotten()
    {
        var keys = new TenantKeys(capacity: 3, distances: 8);
        keys.Of("a", 1).Add(1, 0.5);
        keys.Of("b", 2);
        keys.Of("c", 3);
        keys.Of("a", 4);  // a is seen again: b is now the least recent

        keys.Of("d", 5);

        Assert.Equal(3, keys.Count);
        Assert.Null(keys.Find("b"));
        Assert.Equal(1, keys.Find("a")!.Samples);
    }

    [Fact]
    public void A_series_holds_its_newest_distances_and_averages_the_standings_it_could_place()
    {
        var series = new TenantKeySeries(capacity: 4);
        foreach (var (distance, standing) in new[] { (9.0, 0.9), (1.0, 0.1), (2.0, double.NaN), (3.0, 0.3), (4.0, 0.5) })
        {
            series.Add(distance, standing);
        }

        Assert.Equal((5L, 4), (series.Samples, series.Held));
        // The first (9, 0.9) was pushed out; the NaN is left out of the mean.
        Assert.Equal((0.1 + 0.3 + 0.5) / 3, series.Standing, 6);
        Assert.Equal(ShapiroWilk.Test([1.0, 2.0, 3.0, 4.0]).W, series.Test(new double[4]), 12);
    }

    [Fact]
    public void Standing_is_unknown_while_fewer_than_half_the_distances_could_be_placed()
    {
        var series = new TenantKeySeries(capacity: 4);
        series.Add(1, double.NaN);
        series.Add(2, double.NaN);
        series.Add(3, 0.2);
        Assert.True(double.IsNaN(series.Standing));
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
