using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

internal static class MonitorAssert
{
    /// <summary>Everything the monitor answers, compared exactly (doubles by their bits, NaN included).</summary>
    public static void Same(ClientMonitor expected, ClientMonitor actual, int classes, int query)
    {
        var at = $"after query {query}";
        Assert.Equal(expected.Queries, actual.Queries);
        Assert.Equal(expected.Prada.Queries, actual.Prada.Queries);
        Assert.True(BitConverter.DoubleToInt64Bits(expected.Prada.W) == BitConverter.DoubleToInt64Bits(actual.Prada.W), $"{at}: W {expected.Prada.W} vs {actual.Prada.W}");
        Assert.True(BitConverter.DoubleToInt64Bits(expected.Prada.LowestW) == BitConverter.DoubleToInt64Bits(actual.Prada.LowestW), $"{at}: lowest W");
        Assert.True(expected.Prada.Samples == actual.Prada.Samples, $"{at}: samples");
        Assert.True(expected.Prada.Flagged == actual.Prada.Flagged, $"{at}: flagged");
        Assert.True(expected.Prada.ConsecutiveFlaggedTests == actual.Prada.ConsecutiveFlaggedTests, $"{at}: consecutive flagged tests");
        Assert.True(expected.Prada.GrowingSetSize == actual.Prada.GrowingSetSize, $"{at}: growing set size");
        Assert.True(expected.Prada.AllocatedPointValues == actual.Prada.AllocatedPointValues, $"{at}: point storage");
        for (var c = 0; c < classes; c++)
        {
            Assert.True(expected.Prada.ThresholdOf(c) == actual.Prada.ThresholdOf(c), $"{at}: threshold of class {c}");
        }

        Assert.True(expected.Prada.RecentDistances().SequenceEqual(actual.Prada.RecentDistances()), $"{at}: recent distances");
        // What a snapshot carries; the volume and class counts live in the client's record (QueryHorizons).
        var (e, a) = (expected.Components(MonitorQueries.Start), actual.Components(MonitorQueries.Start));
        Assert.True(e.Prada == a.Prada && e.OutOfDistribution == a.OutOfDistribution, $"{at}: {e} vs {a}");
        Assert.True(expected.Evidence(MonitorQueries.Start) == actual.Evidence(MonitorQueries.Start), $"{at}: evidence");
        Assert.True(expected.LowConfidenceRate == actual.LowConfidenceRate, $"{at}: low-confidence window");
    }
}
