using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class PradaBoundsTests
{
    [Fact]
    public void A_full_class_replaces_its_oldest_point()
    {
        var detector = new PradaDetector(1, 1, new PradaOptions { GrowingSetCapacity = 4 });
        foreach (var x in new float[] { 0, 10, 30, 70, 150 })
        {
            detector.Observe([x], 0);
        }

        Assert.Equal(4, detector.GrowingSetSize);
        // 0 was the oldest point: unbounded, a query at 0 would be at distance 0; bounded, its nearest is 10.
        Assert.Equal(10, detector.Observe([0], 0));
    }

    [Fact]
    public void Point_storage_grows_with_the_sets_and_stops_at_the_capacity()
    {
        var detector = new PradaDetector(10, 16, new PradaOptions { GrowingSetCapacity = 1_000 });
        var random = new Random(4);
        var x = new float[16];

        Observe(detector, random, x, 50);
        Assert.True(detector.AllocatedPointValues <= 2 * 10 * 16 * Math.Max(16, detector.GrowingSetSize),
            $"{detector.AllocatedPointValues} values for {detector.GrowingSetSize} points");
        Assert.True(detector.AllocatedPointValues < 1_000 * 16 / 4);

        // Uniform noise in a big cube keeps every query far from the set, so the sets fill up.
        Observe(detector, random, x, 30_000);
        Assert.Equal(1_000, detector.GrowingSetSize);
        Assert.Equal(1_000 * 16, detector.AllocatedPointValues);
    }

    [Fact]
    public void Features_of_the_wrong_length_are_refused()
    {
        var detector = new PradaDetector(2, 8, new PradaOptions());
        Assert.Throws<ArgumentException>(() => detector.Observe(new float[7], 0));
    }

    private static void Observe(PradaDetector detector, Random random, float[] x, int queries)
    {
        for (var q = 0; q < queries; q++)
        {
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)(random.NextDouble() * 1_000);
            }

            detector.Observe(x, q % 10);
        }
    }
}
