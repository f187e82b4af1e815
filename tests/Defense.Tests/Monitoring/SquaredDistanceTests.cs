using System.Numerics.Tensors;
using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class SquaredDistanceTests
{
    [Fact]
    public void Matches_the_plain_double_sum_at_every_length_including_the_vector_tails()
    {
        var random = new Random(8);
        for (var length = 0; length <= 140; length++)
        {
            var a = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 10 - 5)).ToArray();
            var b = Enumerable.Range(0, length).Select(_ => random.NextDouble() * 10 - 5).ToArray();
            var expected = a.Zip(b, (x, y) => (x - y) * (x - y)).Sum();
            var widened = a.Select(x => (double)x).ToArray();

            var squared = SquaredDistance.Of(a, b);

            Assert.Equal(expected, squared, 1e-9 * Math.Max(1, expected));
            if (length > 0)
            {
                Assert.Equal(TensorPrimitives.Distance(widened, b), Math.Sqrt(squared), 1e-9);
            }
        }
    }
}
