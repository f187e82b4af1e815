using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// The fixed feature space PRADA measures distances in: the raw input, or a seeded Gaussian random
/// projection to a few dimensions scaled by 1/√d, which preserves L2 distances in expectation
/// (Johnson-Lindenstrauss) and makes each distance d/784 as costly. Same seed, same space: every
/// client of a model and every silo measure alike.
/// </summary>
public sealed class FeatureProjection
{
    private readonly float[]? _matrix;

    private FeatureProjection(int inputLength, int dimensions, float[]? matrix)
    {
        InputLength = inputLength;
        Dimensions = dimensions;
        _matrix = matrix;
        Fingerprint = FingerprintOf(inputLength, dimensions, matrix);
    }

    public int InputLength { get; }

    public int Dimensions { get; }

    /// <summary>
    /// A hash of the sizes and the matrix itself, not of the seed: a detector's snapshot holds points in
    /// this space, and any change in how the space is made (seed, generator, scaling) must refuse them.
    /// </summary>
    public ulong Fingerprint { get; }

    public static FeatureProjection Identity(int inputLength) => new(inputLength, inputLength, null);

    public static FeatureProjection Random(int inputLength, int dimensions, int seed)
    {
        if (dimensions < 1 || dimensions > inputLength)
        {
            throw new ArgumentException($"A projection of {inputLength} values needs 1 to {inputLength} dimensions; got {dimensions}.");
        }

        var random = new Random(seed);
        var scale = 1 / Math.Sqrt(dimensions);
        var matrix = new float[dimensions * inputLength];
        for (var i = 0; i < matrix.Length; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            matrix[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return new FeatureProjection(inputLength, dimensions, matrix);
    }

    private static ulong FingerprintOf(int inputLength, int dimensions, float[]? matrix)
    {
        var hash = new XxHash3();
        Span<byte> sizes = stackalloc byte[2 * sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(sizes, inputLength);
        BinaryPrimitives.WriteInt32LittleEndian(sizes[sizeof(int)..], dimensions);
        hash.Append(sizes);
        if (matrix is not null)
        {
            hash.Append(MemoryMarshal.AsBytes(matrix.AsSpan()));
        }

        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Projects one input into <paramref name="features"/> (Dimensions floats; PRADA's distances between them are computed in double).</summary>
    public void Project(ReadOnlySpan<float> input, Span<float> features)
    {
        if (_matrix is null)
        {
            input[..InputLength].CopyTo(features);
            return;
        }

        for (var d = 0; d < Dimensions; d++)
        {
            features[d] = TensorPrimitives.Dot(_matrix.AsSpan(d * InputLength, InputLength), input);
        }
    }
}
