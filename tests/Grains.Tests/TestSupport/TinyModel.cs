using Mirage.Defense.Perturbation;
using Mirage.Inference;

namespace Mirage.Grains.Tests.TestSupport;

/// <summary>
/// A stand-in classifier of <see cref="TestObservations"/>' shape (8 values in, 3 classes out) for grain
/// tests that need an inference pool but not a real model: class 0's probability is the first input.
/// </summary>
internal sealed class TinyModel : IInferenceModel
{
    public int InputLength => TestObservations.InputLength;

    public int Classes => TestObservations.Classes;

    public int EmbeddingLength => 0;

    /// <summary>A catalog serving only this model, in a pool of its own (one per silo).</summary>
    public static ModelCatalog Catalog() =>
        new([new ServedModel(TestObservations.Model, [TestObservations.InputLength], ["a", "b", "c"],
            new InferencePool(TestObservations.Model, new TinyModel(), surrogate: null, new PerturbationCatalog(),
                new InferenceOptions { Workers = 1, MaxWaitMicroseconds = 50 }), device: "cpu")]);

    public void Run(ReadOnlySpan<float> inputs, int batchSize, Span<float> probabilities, Span<float> embedding)
    {
        for (var row = 0; row < batchSize; row++)
        {
            var first = Math.Clamp(inputs[row * InputLength], 0f, 1f);
            probabilities[row * Classes] = first;
            probabilities[row * Classes + 1] = (1 - first) / 2;
            probabilities[row * Classes + 2] = (1 - first) / 2;
        }
    }

    public void Dispose()
    {
    }
}
