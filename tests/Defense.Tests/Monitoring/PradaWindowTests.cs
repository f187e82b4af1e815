using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// The replay fixtures are unbounded, so they never push a distance out of a class's window. Here the
/// windows are small and the stream long: after every test, the detector's W and sample count must equal
/// a plain recomputation from the distances it reported (newest window per class, classes with at least
/// 10, the 3σ filter, Shapiro-Wilk on a sorted copy).
/// </summary>
public sealed class PradaWindowTests
{
    [Fact]
    public void Every_test_equals_a_plain_recomputation_over_the_bounded_windows()
    {
        const int classes = 5, window = 30, dimensions = 6;
        var detector = new PradaDetector(classes, dimensions, new PradaOptions { DistanceWindow = window, GrowingSetCapacity = 100 });
        var windows = Enumerable.Range(0, classes).Select(_ => new Queue<double>()).ToArray();
        var random = new Random(11);
        var x = new float[dimensions];
        var tests = 0;
        for (var q = 0; q < 4_000; q++)
        {
            var cls = random.Next(classes);
            for (var i = 0; i < dimensions; i++)
            {
                // Some streams drift in scale so old and new distances differ and the 3σ filter bites.
                x[i] = (float)(random.NextDouble() * (1 + q / 500) + (random.Next(50) == 0 ? 40 : 0));
            }

            if (detector.Observe(x, cls) is { } distance)
            {
                windows[cls].Enqueue(distance);
                if (windows[cls].Count > window)
                {
                    windows[cls].Dequeue();
                }
            }

            if (q % 10 == 0)
            {
                var pooled = windows.Where(w => w.Count >= 10).SelectMany(w => w).ToArray();
                if (pooled.Length == 0)
                {
                    continue;
                }

                var mean = pooled.Average();
                var sd = Math.Sqrt(pooled.Sum(v => (v - mean) * (v - mean)) / pooled.Length);
                var kept = pooled.Where(v => Math.Abs(v - mean) < 3 * sd).ToArray();
                if (kept.Length > 100)
                {
                    tests++;
                    Assert.Equal(kept.Length, detector.Samples);
                    Assert.Equal(ShapiroWilk.Test(kept).W, detector.W, 1e-12);
                }
            }
        }

        Assert.True(tests > 300, $"only {tests} tests ran");
    }
}
