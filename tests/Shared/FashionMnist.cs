using System.IO.Compression;

namespace Mirage.Tests.Shared;

/// <summary>Fashion-MNIST from Debian's dataset-fashion-mnist package, scaled to [0, 1] as the model expects.</summary>
public static class FashionMnist
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";
    public const int Pixels = 784;

    private static readonly Lazy<float[][]> TestImages = new(() => ReadImages("t10k-images-idx3-ubyte.gz"));

    /// <summary>The 10,000 images of the test split.</summary>
    public static float[][] Test => TestImages.Value;

    private static float[][] ReadImages(string file)
    {
        var path = Path.Combine(Folder, file);
        Assert.True(File.Exists(path), $"{path} is missing: apt-get install dataset-fashion-mnist (lab/setup.sh does).");
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        var bytes = buffer.GetBuffer();
        int BigEndian(int offset) => (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
        var count = BigEndian(4);
        var images = new float[count][];
        for (var i = 0; i < count; i++)
        {
            images[i] = new float[Pixels];
            for (var p = 0; p < Pixels; p++)
            {
                images[i][p] = bytes[16 + i * Pixels + p] / 255f;
            }
        }

        return images;
    }
}
