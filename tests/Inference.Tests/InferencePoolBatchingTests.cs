using System.Collections.Concurrent;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;

namespace Mirage.Inference.Tests;

/// <summary>
/// The batcher under many concurrent callers, on a model that records every run: no run exceeds
/// MaxBatchSize except a single oversized request alone, every caller gets exactly its own rows back in
/// order, and the pool's counters agree with what the model saw.
/// </summary>
public sealed class InferencePoolBatchingTests
{
    private const int MaxBatchSize = 16;

    [Fact]
    public async Task Concurrent_requests_of_mixed_sizes_are_batched_within_the_maximum_and_answered_with_their_own_rows()
    {
        var model = new RecordingModel();
        using var pool = new InferencePool("recording", model, surrogate: null, new PerturbationCatalog(),
            new InferenceOptions { MaxBatchSize = MaxBatchSize, MaxWaitMicroseconds = 2_000, Workers = 2 });

        // Sizes 1..MaxBatchSize, and every 25th request oversized (one to three batches' worth).
        var random = new Random(12);
        var sizes = Enumerable.Range(0, 300)
            .Select(i => i % 25 == 7 ? MaxBatchSize + 1 + random.Next(2 * MaxBatchSize) : random.Next(1, MaxBatchSize + 1))
            .ToArray();
        var answered = new int[sizes.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, sizes.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
        {
            using var result = await pool.ScoreAsync(RecordingModel.Inputs(id, sizes[id]), sizes[id], PerturbationPolicy.None);
            Assert.Equal(sizes[id], result.Rows);
            for (var row = 0; row < sizes[id]; row++)
            {
                // A batcher that split answers at the wrong offset, or mixed callers up, gives another row here.
                Assert.Equal(RecordingModel.Posterior(id, row), result.Original.Slice(row * RecordingModel.ClassCount, RecordingModel.ClassCount).ToArray());
                Assert.Equal(RecordingModel.Posterior(id, row), result.Answered.Slice(row * RecordingModel.ClassCount, RecordingModel.ClassCount).ToArray());
            }

            Interlocked.Increment(ref answered[id]);
        });

        Assert.All(answered, count => Assert.Equal(1, count));
        var runs = model.Runs.ToArray();
        foreach (var run in runs)
        {
            var alone = run.Requests.Count == 1 && sizes[run.Requests[0]] > MaxBatchSize;
            Assert.True(run.Rows <= MaxBatchSize || alone,
                $"a run of {run.Rows} rows held requests {string.Join(", ", run.Requests.Select(r => $"#{r} ({sizes[r]} rows)"))}");
        }

        // Every oversized request ran, alone, exactly once; every request ran exactly once.
        var oversized = sizes.Select((size, id) => (size, id)).Where(x => x.size > MaxBatchSize).Select(x => x.id).ToList();
        Assert.All(oversized, id => Assert.Single(runs, run => run.Requests.SequenceEqual([id])));
        Assert.Equal(Enumerable.Range(0, sizes.Length), runs.SelectMany(run => run.Requests).Order());

        Assert.Equal(sizes.Length, pool.Requests);
        Assert.Equal(runs.Length, pool.Runs);
        Assert.Equal(sizes.Sum(), pool.RowsScored);
        Assert.Equal(sizes.Sum(), runs.Sum(run => run.Rows));
        // Batching happened at all: 300 concurrent requests did not take 300 runs.
        Assert.True(pool.Runs < sizes.Length, $"{pool.Runs} runs for {sizes.Length} requests");
    }

    [Fact]
    public async Task An_oversized_request_queued_behind_a_small_one_does_not_join_its_batch()
    {
        // Guards the peek: the batcher must leave a request that would overflow the batch for the next run.
        var model = new RecordingModel();
        using var pool = new InferencePool("recording", model, surrogate: null, new PerturbationCatalog(),
            new InferenceOptions { MaxBatchSize = MaxBatchSize, MaxWaitMicroseconds = 50_000, Workers = 1 });

        var small = pool.ScoreAsync(RecordingModel.Inputs(0, 3), 3, PerturbationPolicy.None);
        var large = pool.ScoreAsync(RecordingModel.Inputs(1, MaxBatchSize + 5), MaxBatchSize + 5, PerturbationPolicy.None);
        var after = pool.ScoreAsync(RecordingModel.Inputs(2, 2), 2, PerturbationPolicy.None);
        foreach (var result in await Task.WhenAll(small, large, after))
        {
            result.Dispose();
        }

        var runs = model.Runs.ToArray();
        Assert.Contains(runs, run => run.Requests.SequenceEqual([1]) && run.Rows == MaxBatchSize + 5);
        Assert.All(runs.Where(run => run.Requests.Contains(1)), run => Assert.Single(run.Requests));
        Assert.Equal(3 + MaxBatchSize + 5 + 2, runs.Sum(run => run.Rows));
    }

    /// <summary>
    /// A model whose input rows say which request and row they are (request id, row index) and whose
    /// posterior repeats them, so every answer can be traced to the row it came from.
    /// </summary>
    private sealed class RecordingModel : IInferenceModel
    {
        public const int ClassCount = 3;
        private const float Scale = 4096;

        public ConcurrentQueue<Run> Runs { get; } = new();

        public int InputLength => 2;

        public int Classes => ClassCount;

        public int EmbeddingLength => 0;

        public static float[] Inputs(int request, int rows)
        {
            var inputs = new float[rows * 2];
            for (var row = 0; row < rows; row++)
            {
                (inputs[row * 2], inputs[row * 2 + 1]) = (request, row);
            }

            return inputs;
        }

        /// <summary>A proper posterior naming the row: (request+1)/4096, (row+1)/4096, the rest. Exact in float.</summary>
        public static float[] Posterior(int request, int row)
        {
            var (a, b) = ((request + 1) / Scale, (row + 1) / Scale);
            return [a, b, 1 - a - b];
        }

        public void Run(ReadOnlySpan<float> inputs, int batchSize, Span<float> probabilities, Span<float> embedding)
        {
            var requests = new List<int>();
            for (var r = 0; r < batchSize; r++)
            {
                var (request, row) = ((int)inputs[r * 2], (int)inputs[r * 2 + 1]);
                if (requests.Count == 0 || requests[^1] != request)
                {
                    requests.Add(request);
                }

                Posterior(request, row).CopyTo(probabilities.Slice(r * ClassCount, ClassCount));
            }

            Runs.Enqueue(new Run(batchSize, requests));
        }

        public void Dispose()
        {
        }
    }

    /// <summary>One model run: its rows and the requests in it, in the order their rows came.</summary>
    private sealed record Run(int Rows, IReadOnlyList<int> Requests);
}
