using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Inference;

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
