using System.Buffers;

namespace Mirage.Interfaces.Inference;

/// <summary>
/// The answer for one request: the probabilities to return (perturbed by the policy) and the model's
/// own, for the client's grain. Both are pooled arrays; only the first Rows x Classes values count.
/// It comes back from a local stateless worker, so Orleans hands over the reference ([Immutable]) and the
/// buffers stay the caller's to return.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class InferenceResult(int rows, int classes, float[] answered, float[] original) : IDisposable
{
    [Id(0)] private float[]? _answered = answered;
    [Id(1)] private float[]? _original = original;

    [Id(2)] public int Rows { get; } = rows;

    [Id(3)] public int Classes { get; } = classes;

    /// <summary>What the client gets: Rows x Classes probabilities after the perturbation.</summary>
    public ReadOnlySpan<float> Answered => (_answered ?? throw new ObjectDisposedException(nameof(InferenceResult))).AsSpan(0, Rows * Classes);

    /// <summary>The model's posteriors before the perturbation.</summary>
    public ReadOnlySpan<float> Original => (_original ?? throw new ObjectDisposedException(nameof(InferenceResult))).AsSpan(0, Rows * Classes);

    /// <summary>Hands the original posteriors' buffer to a new owner (the grain's observation).</summary>
    public float[] TakeOriginal()
    {
        var taken = _original ?? throw new ObjectDisposedException(nameof(InferenceResult));
        _original = null;
        return taken;
    }

    public void Dispose()
    {
        if (_answered is { } answered)
        {
            ArrayPool<float>.Shared.Return(answered);
            _answered = null;
        }

        if (_original is { } original)
        {
            ArrayPool<float>.Shared.Return(original);
            _original = null;
        }
    }
}
