using Mirage.Inference;
using Mirage.Interfaces.Inference;
using Orleans.Concurrency;
using Orleans.Dashboard;

namespace Mirage.Grains.Inference;

/// <summary>
/// One model's entry on this silo: a stateless worker, so every silo answers its own callers locally,
/// and reentrant, so one activation hands any number of concurrent requests to the silo's
/// <see cref="InferencePool"/>, whose batcher merges them into model runs. Not profiled by Orleans' dashboard:
/// its filter would time and record every prediction (about 3% of a batch-1 request's CPU with the observation's,
/// docs/PERFORMANCE.md), which /metrics already counts per model.
/// </summary>
[NoProfiling]
[StatelessWorker(1)]
[Reentrant]
public sealed class InferenceGrain(ModelCatalog catalog) : Grain, IInferenceGrain
{
    private InferencePool? _pool;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var model = this.GetPrimaryKeyString();
        _pool = catalog.TryGet(model, out var served)
            ? served.Pool
            : throw new ArgumentException($"This silo serves no model \"{model}\".");
        return Task.CompletedTask;
    }

    public Task<InferenceResult> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken) =>
        _pool!.ScoreAsync(request.Inputs.AsMemory(0, request.Rows * _pool.InputLength), request.Rows, request.Policy, cancellationToken);
}
