using Mirage.Interfaces.Inference;
using Mirage.Defense.Perturbation;
using Mirage.Inference.Onnx;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Interfaces.Defense;
using Mirage.Tests.Shared;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests;

/// <summary>What the pool refuses to answer (non-distributions) and refuses to score (abandoned requests).</summary>
public sealed class InferencePoolGuardTests
{
    [Fact]
    public async Task A_pixel_of_float_max_makes_the_model_answer_nan_and_the_pool_refuses_that_answer()
    {
        var model = new OnnxModelLoader(new InferenceOptions { Device = InferenceDevice.Cpu }).Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", null);
        using var pool = new InferencePool("fmnist-cnn", model, surrogate: null, new PerturbationCatalog(), new InferenceOptions { Workers = 1 });
        var hostile = new float[Pixels];
        hostile[400] = 3.4e38f;

        var error = await Assert.ThrowsAsync<InvalidModelOutputException>(() => pool.ScoreAsync(hostile, 1, PerturbationPolicy.None));

        Assert.Equal("fmnist-cnn", error.Model);
        Assert.Equal(1, pool.InvalidOutputs);
        // The pool is unharmed: the next request is answered exactly.
        using var good = await pool.ScoreAsync(Inputs.AsMemory(0, Pixels), 1, PerturbationPolicy.None);
        Assert.True(Math.Abs(good.Answered[3] - Probabilities[3]) <= 1e-5);
    }

    [Fact]
    public async Task Only_the_request_with_a_bad_row_fails_when_it_shares_a_batch()
    {
        using var gate = new GatedModel(open: false);
        using var pool = new InferencePool("fake", gate, surrogate: null, new PerturbationCatalog(),
            new InferenceOptions { Workers = 1, MaxBatchSize = 8, MaxWaitMicroseconds = 200_000 });

        var good = pool.ScoreAsync(new float[] { 0, 0 }, 1, PerturbationPolicy.None);
        var bad = pool.ScoreAsync(new float[] { GatedModel.NanTrigger, 0 }, 1, PerturbationPolicy.None);
        gate.Open();

        using var answered = await good;
        Assert.Equal([0.25f, 0.75f], answered.Answered.ToArray());
        await Assert.ThrowsAsync<InvalidModelOutputException>(() => bad);
        Assert.Equal(1, pool.InvalidOutputs);
    }

    [Fact]
    public async Task A_request_whose_caller_has_gone_is_dropped_unscored()
    {
        using var gate = new GatedModel(open: false);
        // One row per batch and one worker: one request runs, one batch waits for the worker and one
        // waits in the batcher, so the fourth is still queued when its caller goes.
        using var pool = new InferencePool("fake", gate, surrogate: null, new PerturbationCatalog(),
            new InferenceOptions { Workers = 1, MaxBatchSize = 1, MaxWaitMicroseconds = 0 });
        using var gone = new CancellationTokenSource();

        var kept = Enumerable.Range(0, 3).Select(_ => pool.ScoreAsync(new float[] { 0, 0 }, 1, PerturbationPolicy.None)).ToArray();
        var abandoned = pool.ScoreAsync(new float[] { 0, 0 }, 1, PerturbationPolicy.None, gone.Token);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        gone.Cancel();
        gate.Open();

        foreach (var result in await Task.WhenAll(kept))
        {
            result.Dispose();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(1, pool.Abandoned);
        Assert.Equal(3, pool.RowsScored);
    }

    [Fact]
    public void A_caller_that_has_already_gone_is_not_queued()
    {
        using var pool = new InferencePool("fake", new GatedModel(open: true), surrogate: null, new PerturbationCatalog(), new InferenceOptions { Workers = 1 });
        Assert.Throws<OperationCanceledException>(() =>
            { _ = pool.ScoreAsync(new float[] { 0, 0 }, 1, PerturbationPolicy.None, new CancellationToken(canceled: true)); });
        Assert.Equal(0, pool.Requests);
    }

    [Theory]
    [InlineData(new[] { 0.25f, 0.75f }, true)]
    [InlineData(new[] { 0.25f, 0.75f, 1f, 0f }, true)]
    [InlineData(new[] { float.NaN, 1f }, false)]
    [InlineData(new[] { float.PositiveInfinity, 0f }, false)]
    [InlineData(new[] { -0.5f, 1.5f }, false)]
    [InlineData(new[] { 0.5f, 0.6f }, false)]
    [InlineData(new[] { 0.5f, 0.5f, 0.5f, 0.6f }, false)]
    public void Distributions_are_finite_non_negative_rows_that_sum_to_one(float[] rows, bool expected) =>
        Assert.Equal(expected, ModelOutputCheck.AreDistributions(rows, classes: 2));

    /// <summary>Two inputs, two classes, [0.25, 0.75] per row (NaN for a row starting with NanTrigger); Run waits for Open.</summary>
    private sealed class GatedModel(bool open) : IInferenceModel
    {
        public const float NanTrigger = 42f;

        private readonly ManualResetEventSlim _open = new(open);
        private readonly SemaphoreSlim _entered = new(0);

        public int InputLength => 2;

        public int Classes => 2;

        public int EmbeddingLength => 0;

        public Task Entered => _entered.WaitAsync();

        public void Open() => _open.Set();

        public void Run(ReadOnlySpan<float> inputs, int batchSize, Span<float> probabilities, Span<float> embedding)
        {
            _entered.Release();
            _open.Wait();
            for (var row = 0; row < batchSize; row++)
            {
                var nan = inputs[row * 2] == NanTrigger;
                probabilities[row * 2] = nan ? float.NaN : 0.25f;
                probabilities[row * 2 + 1] = nan ? float.NaN : 0.75f;
            }
        }

        public void Dispose() => _open.Dispose();
    }
}
