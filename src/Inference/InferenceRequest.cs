using System.Buffers;
using Mirage.Defense.Perturbation;

namespace Mirage.Inference;

/// <summary>
/// One request's rows on their way through the pool. The caller owns the input buffer; the pool fills
/// pooled output buffers that the caller returns with <see cref="InferenceResult.Dispose"/>.
/// </summary>
internal sealed class InferenceRequest(
    ReadOnlyMemory<float> inputs, int rows, IPerturbation perturbation, ulong seed, CancellationToken cancellationToken = default)
{
    private readonly TaskCompletionSource<InferenceResult> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReadOnlyMemory<float> Inputs { get; } = inputs;

    public int Rows { get; } = rows;

    public IPerturbation Perturbation { get; } = perturbation;

    public ulong Seed { get; } = seed;

    /// <summary>Fires when the caller has gone (the HTTP request was aborted).</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public Task<InferenceResult> Completion => _completion.Task;

    public void Complete(InferenceResult result) => _completion.TrySetResult(result);

    public void Fail(Exception error) => _completion.TrySetException(error);

    public void Cancel() => _completion.TrySetCanceled(CancellationToken);
}

/// <summary>
/// The answer for one request: the probabilities to return (perturbed by the policy) and the model's
/// own, for the client's grain. Both are pooled arrays; only the first Rows x Classes values count.
/// </summary>
public sealed class InferenceResult(int rows, int classes, float[] answered, float[] original) : IDisposable
{
    private float[]? _answered = answered;
    private float[]? _original = original;

    public int Rows { get; } = rows;

    public int Classes { get; } = classes;

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
