using System.IO.Compression;
using Mirage.Defense.Monitoring;
using Mirage.Tests.Shared;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// A tenant's young keys on real Fashion-MNIST test images, as its watch receives them: requests of a key
/// projected into the silo's default PRADA space (128 dimensions, seed 17), each row labelled with the
/// image's true class (this victim answers ~90% of the test split correctly; the grain tests run the model
/// itself). A JBDA attacker is labelled like the seed each query descends from.
/// </summary>
internal static class TenantTraffic
{
    public const int Classes = 10;

    public static readonly FeatureProjection Space = FeatureProjection.Random(FashionMnist.Pixels, 128, 17);

    private static readonly Lazy<byte[]> TestLabels = new(() => ReadLabels("t10k-labels-idx1-ubyte.gz"));

    public static int LabelOf(int testImage) => TestLabels.Value[testImage];

    /// <summary>
    /// Papernot's augmentation without a substitute: 100 test images from <paramref name="firstImage"/> as seeds,
    /// then rounds in which every image of the set gets x + λ·sign (λ = 0.1, a random sign per pixel, clipped to
    /// [0, 1]), doubling the set each round, until <paramref name="queries"/> are sent.
    /// </summary>
    public static List<(float[] Image, int Label)> Jbda(int seed, int firstImage, int queries)
    {
        var random = new Random(seed);
        var set = Enumerable.Range(firstImage, 100).Select(i => (Image: FashionMnist.Test[i], Label: LabelOf(i))).ToList();
        var sent = new List<(float[] Image, int Label)>(set);
        while (sent.Count < queries)
        {
            foreach (var (image, label) in set.ToArray())
            {
                var step = new float[image.Length];
                for (var p = 0; p < step.Length; p++)
                {
                    step[p] = Math.Clamp(image[p] + 0.1f * (random.Next(2) * 2 - 1), 0f, 1f);
                }

                set.Add((step, label));
                sent.Add((step, label));
            }
        }

        return sent.Take(queries).ToList();
    }

    /// <summary><paramref name="count"/> test images from <paramref name="firstImage"/> in a seeded random order.</summary>
    public static List<(float[] Image, int Label)> Benign(int seed, int firstImage, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(firstImage, count).OrderBy(_ => random.Next()).Select(i => (FashionMnist.Test[i], LabelOf(i))).ToList();
    }

    /// <summary>A key's request as the tenant grain receives it: features (rows x 128) and predicted classes.</summary>
    public static (float[] Features, int[] Predicted) Request(IReadOnlyList<(float[] Image, int Label)> rows)
    {
        var features = new float[rows.Count * Space.Dimensions];
        for (var r = 0; r < rows.Count; r++)
        {
            Space.Project(rows[r].Image, features.AsSpan(r * Space.Dimensions, Space.Dimensions));
        }

        return (features, rows.Select(r => r.Label).ToArray());
    }

    private static byte[] ReadLabels(string file)
    {
        var path = Path.Combine(FashionMnist.Folder, file);
        Assert.True(File.Exists(path), $"{path} is missing: apt-get install dataset-fashion-mnist (lab/setup.sh does).");
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray()[8..];
    }
}
