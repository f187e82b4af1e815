using Mirage.Inference;
using Mirage.Inference.Onnx;
using Mirage.Defense.Perturbation;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Interfaces.Defense;
using Mirage.Tests.Shared;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests;

/// <summary>
/// MAD's surrogate posterior inside the pool: the mean source answers the manifest's mean without a second
/// model run; the per-input source runs the surrogate model on the batch. Either way the answer is MAD of
/// the victim's posterior with that surrogate posterior.
/// </summary>
public sealed class SurrogatePosteriorTests
{
    private const int Rows = 8;

    // Raw MAD (camouflage off): these tests hold the answer to the formula, which only the raw method follows.
    private static readonly PerturbationPolicy MadArgmax = new() { Method = PerturbationMethod.Mad, Epsilon = 1, Argmax = true, Camouflage = false };

    [Fact]
    public async Task The_mean_source_answers_MAD_with_the_manifests_mean_and_runs_no_second_model()
    {
        var mean = ModelManifest.Load(RepositoryFiles.Model("fmnist-cnn.json")).SurrogateMeanPosterior!;
        var victim = new CountingModel(Open("fmnist-cnn.onnx"));
        using var pool = new InferencePool("fmnist-cnn", victim, SurrogatePosterior.Mean(mean), new PerturbationCatalog(), Options);

        using var result = await pool.ScoreAsync(Inputs.AsMemory(0, Rows * Pixels), Rows, MadArgmax);

        var repeated = Enumerable.Range(0, Rows).SelectMany(_ => mean.Select(p => (float)(p / mean.Sum()))).ToArray();
        AssertMadOf(repeated, result.Answered);
        Assert.Equal(1, victim.Runs);
    }

    [Fact]
    public async Task The_per_input_source_runs_the_surrogate_on_the_batch()
    {
        var victim = new CountingModel(Open("fmnist-cnn.onnx"));
        var surrogate = new CountingModel(Open("fmnist-cnn-surrogate.onnx"));
        using var pool = new InferencePool("fmnist-cnn", victim, SurrogatePosterior.PerInput(surrogate, owns: true), new PerturbationCatalog(), Options);

        using var result = await pool.ScoreAsync(Inputs.AsMemory(0, Rows * Pixels), Rows, MadArgmax);

        AssertMadOf(SurrogateProbabilities.AsSpan(0, Rows * Classes).ToArray(), result.Answered);
        Assert.Equal((1, 1), (victim.Runs, surrogate.Runs));
    }

    [Fact]
    public async Task Policies_without_MAD_never_ask_for_the_surrogate()
    {
        var surrogate = new CountingModel(Open("fmnist-cnn-surrogate.onnx"));
        using var pool = new InferencePool("fmnist-cnn", Open("fmnist-cnn.onnx"), SurrogatePosterior.PerInput(surrogate, owns: true), new PerturbationCatalog(), Options);

        using var result = await pool.ScoreAsync(Inputs.AsMemory(0, Rows * Pixels), Rows,
            new PerturbationPolicy { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.5, Gamma = 0.5 });

        Assert.Equal(0, surrogate.Runs);
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.6 })]
    [InlineData(new[] { -0.1, 1.1 })]
    [InlineData(new[] { 1.0 })]
    [InlineData(new[] { double.NaN, 1.0 })]
    public void A_mean_that_is_not_a_distribution_is_refused(double[] posterior)
    {
        Assert.Throws<ArgumentException>(() => SurrogatePosterior.Mean(posterior));
    }

    private static InferenceOptions Options => new() { MaxBatchSize = 64, MaxWaitMicroseconds = 50, Workers = 1 };

    private static OnnxInferenceModel Open(string file) =>
        OnnxModels.CpuLoader.Open(RepositoryFiles.Model(file), "probs", null);

    /// <summary>The answer must be MAD-argmax applied to the victim's posteriors with these surrogate rows.</summary>
    private static void AssertMadOf(float[] surrogate, ReadOnlySpan<float> answered)
    {
        var expected = Probabilities.AsSpan(0, Rows * Classes).ToArray();
        new Mad(1, MadNorm.L1, argmax: true).Apply(expected, Classes, new PerturbationInputs(surrogate, 0));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - answered[i]) <= 1e-5, $"value {i}: {answered[i]} vs {expected[i]}");
        }

        // And MAD really moved the answer: the test would pass trivially if nothing were perturbed.
        var moved = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            moved += Math.Abs(answered[i] - Probabilities[i]);
        }

        Assert.True(moved > Rows * 0.5, $"MAD moved the answers by {moved} in L1 over {Rows} rows");
    }

    private sealed class CountingModel(IInferenceModel inner) : IInferenceModel
    {
        private int _runs;

        public int Runs => _runs;

        public int InputLength => inner.InputLength;

        public int Classes => inner.Classes;

        public int EmbeddingLength => inner.EmbeddingLength;

        public void Run(ReadOnlySpan<float> inputs, int batchSize, Span<float> probabilities, Span<float> embedding)
        {
            Interlocked.Increment(ref _runs);
            inner.Run(inputs, batchSize, probabilities, embedding);
        }

        public void Dispose() => inner.Dispose();
    }
}
