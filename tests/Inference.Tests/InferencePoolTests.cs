using Mirage.Inference;
using Mirage.Defense.Perturbation;
using Mirage.Inference.Onnx;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Tests.Shared;
using static Mirage.Tests.Shared.TestVectors;
using Mirage.Interfaces.Defense;

namespace Mirage.Inference.Tests;

public sealed class InferencePoolTests
{
    [Fact]
    public async Task Concurrent_requests_are_merged_into_fewer_model_runs_with_every_answer_correct()
    {
        // One worker and a generous wait: requests arriving while a batch forms join it.
        using var pool = CreatePool(new InferenceOptions { MaxBatchSize = 64, MaxWaitMicroseconds = 20_000, Workers = 1 });

        var requests = Enumerable.Range(0, 128).Select(i => pool.ScoreAsync(Row(i), 1, PerturbationPolicy.None)).ToArray();
        var results = await Task.WhenAll(requests);

        for (var i = 0; i < results.Length; i++)
        {
            using var result = results[i];
            AssertRow(i, result.Answered);
            AssertRow(i, result.Original);
        }

        Assert.Equal(128, pool.Requests);
        Assert.Equal(128, pool.RowsScored);
        Assert.True(pool.Runs <= 8, $"128 concurrent single-row requests took {pool.Runs} runs; batching should merge them.");
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_maximum_and_a_larger_request_runs_alone()
    {
        using var pool = CreatePool(new InferenceOptions { MaxBatchSize = 16, MaxWaitMicroseconds = 20_000, Workers = 1 });

        var big = pool.ScoreAsync(Inputs.AsMemory(0, 40 * Pixels), 40, PerturbationPolicy.None);
        var small = Enumerable.Range(0, 32).Select(i => pool.ScoreAsync(Row(i), 1, PerturbationPolicy.None)).ToArray();
        using var bigResult = await big;
        foreach (var result in await Task.WhenAll(small))
        {
            result.Dispose();
        }

        for (var i = 0; i < 40; i++)
        {
            AssertRow(i, bigResult.Answered.Slice(i * Classes, Classes));
        }

        // 40 rows alone, then 32 single rows in batches of at most 16.
        Assert.True(pool.Runs >= 3, $"runs: {pool.Runs}");
    }

    [Fact]
    public async Task Without_concurrency_each_request_is_its_own_run()
    {
        using var pool = CreatePool(new InferenceOptions { MaxBatchSize = 64, MaxWaitMicroseconds = 50, Workers = 1 });
        for (var i = 0; i < 5; i++)
        {
            using var result = await pool.ScoreAsync(Row(i), 1, PerturbationPolicy.None);
            AssertRow(i, result.Answered);
        }

        Assert.Equal(5, pool.Runs);
    }

    [Fact]
    public void Too_few_input_values_are_refused()
    {
        using var pool = CreatePool(new InferenceOptions());
        Assert.Throws<ArgumentException>(() => { _ = pool.ScoreAsync(new float[Pixels], 2, PerturbationPolicy.None); });
    }

    private static ReadOnlyMemory<float> Row(int i) => Inputs.AsMemory(i * Pixels, Pixels);

    private static void AssertRow(int i, ReadOnlySpan<float> actual)
    {
        for (var k = 0; k < Classes; k++)
        {
            Assert.True(Math.Abs(Probabilities[i * Classes + k] - actual[k]) <= 1e-5, $"row {i} class {k}");
        }
    }

    private static InferencePool CreatePool(InferenceOptions options)
    {
        var model = OnnxModels.CpuLoader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", null);
        return new InferencePool("fmnist-cnn", model, surrogate: null, new PerturbationCatalog(), options);
    }
}
