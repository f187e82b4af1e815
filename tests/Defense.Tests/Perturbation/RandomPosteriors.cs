namespace Mirage.Defense.Tests.Perturbation;

/// <summary>Seeded Dirichlet-like posteriors: peaked, flat and in between, as classifiers give them.</summary>
internal static class RandomPosteriors
{
    public static float[] Batch(Random random, int rows, int classes)
    {
        var batch = new float[rows * classes];
        for (var r = 0; r < rows; r++)
        {
            Row(random, batch.AsSpan(r * classes, classes));
        }

        return batch;
    }

    public static void Row(Random random, Span<float> row)
    {
        // Exponentials raised to a random power: Dirichlet-like with concentration from ~0.1 to 1.
        var sharpness = 1 + random.NextDouble() * 9;
        var sum = 0.0;
        for (var k = 0; k < row.Length; k++)
        {
            var value = Math.Pow(-Math.Log(1 - random.NextDouble()), sharpness);
            row[k] = (float)value;
            sum += value;
        }

        for (var k = 0; k < row.Length; k++)
        {
            row[k] = (float)(row[k] / sum);
        }
    }

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        return best;
    }

    public static void AssertProbabilityVectors(ReadOnlySpan<float> batch, int classes, string method)
    {
        for (var offset = 0; offset < batch.Length; offset += classes)
        {
            var sum = 0.0;
            for (var k = 0; k < classes; k++)
            {
                var p = batch[offset + k];
                Assert.True(p >= 0 && float.IsFinite(p), $"{method}: row {offset / classes} class {k} is {p}");
                sum += p;
            }

            Assert.True(Math.Abs(sum - 1) <= 1e-6, $"{method}: row {offset / classes} sums to {sum}");
        }
    }
}
