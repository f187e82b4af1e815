namespace Mirage.Inference;

/// <summary>
/// A classifier that scores a batch of flattened inputs. Implementations are thread-safe: the
/// inference pool calls <see cref="Run"/> from several workers at once.
/// </summary>
public interface IInferenceModel : IDisposable
{
    /// <summary>Values per input (784 for a 1x28x28 image).</summary>
    int InputLength { get; }

    /// <summary>Probabilities per input.</summary>
    int Classes { get; }

    /// <summary>Values of the penultimate activation per input; 0 when the model has none.</summary>
    int EmbeddingLength { get; }

    /// <summary>
    /// Scores <paramref name="batchSize"/> rows. <paramref name="inputs"/> holds batchSize x InputLength
    /// values, <paramref name="probabilities"/> receives batchSize x Classes and
    /// <paramref name="embedding"/> batchSize x EmbeddingLength (pass an empty span to skip it).
    /// </summary>
    void Run(ReadOnlySpan<float> inputs, int batchSize, Span<float> probabilities, Span<float> embedding);
}
