namespace Mirage.Tests.Shared;

/// <summary>
/// models/testvectors: 256 Fashion-MNIST test images as the lab exported them, with PyTorch's answers of
/// the victim and of the surrogate. Read once per test run; the arrays are shared, so tests only read them.
/// </summary>
public static class TestVectors
{
    public const int Pixels = FashionMnist.Pixels;
    public const int Classes = 10;

    /// <summary>Rows x Pixels inputs in [0, 1].</summary>
    public static float[] Inputs { get; } = Read("fmnist-cnn.inputs.f32");

    /// <summary>The victim's posterior per row (Rows x Classes).</summary>
    public static float[] Probabilities { get; } = Read("fmnist-cnn.probs.f32");

    /// <summary>The victim's penultimate activation per row (Rows x 128).</summary>
    public static float[] Embedding { get; } = Read("fmnist-cnn.embedding.f32");

    /// <summary>The random-init surrogate's posterior per row (Rows x Classes).</summary>
    public static float[] SurrogateProbabilities { get; } = Read("fmnist-cnn-surrogate.probs.f32");

    private static float[] Read(string file) => RepositoryFiles.ReadFloats(RepositoryFiles.TestVector(file));
}
