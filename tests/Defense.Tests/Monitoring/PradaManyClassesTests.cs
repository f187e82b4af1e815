using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class PradaManyClassesTests
{
    [Fact]
    public void A_model_with_many_classes_pools_more_than_5000_distances_without_failing()
    {
        // 20 classes x 400 distances: the pooled test sees up to 8,000 values, beyond AS R94's tabled 5,000.
        var detector = new PradaDetector(20, 4, new PradaOptions());
        var random = new Random(2);
        var x = new float[4];
        for (var q = 0; q < 12_000; q++)
        {
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)Gaussian(random);
            }

            detector.Observe(x, q % 20);
        }

        Assert.True(detector.Samples > 5_000, $"samples {detector.Samples}");
        Assert.InRange(detector.W, 0, 1);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
