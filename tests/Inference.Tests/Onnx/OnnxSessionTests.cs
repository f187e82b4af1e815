using Microsoft.Extensions.Logging;
using Mirage.Inference;
using Mirage.Inference.Onnx;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Tests.Shared;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>The binding computes what PyTorch computed for the exported test vectors (lab/train_victim.py).</summary>
public sealed class OnnxSessionTests
{
    private const int Vectors = 256;
    private const int EmbeddingLength = 128;
    private const int OrtInvalidProtobuf = 7;

    [Fact]
    public void Reports_the_library_version_and_cpu_provider()
    {
        Assert.Equal("1.30.0", OnnxLibrary.Environment.Version);
        Assert.Contains("CPUExecutionProvider", OnnxLibrary.Environment.AvailableProviders());
    }

    [Fact]
    public void Reads_the_models_inputs_and_outputs()
    {
        using var session = OnnxLibrary.Environment.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx"));

        var input = Assert.Single(session.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal([-1L, 1, 28, 28], input.Dimensions);
        Assert.Equal(Pixels, input.ItemLength);
        Assert.Equal(["probs", "embedding"], session.Outputs.Select(o => o.Name));
        Assert.Equal(OnnxTensorInfo.Float, session.Outputs[0].ElementType);
    }

    [Fact]
    public void A_batch_of_256_equals_pytorch_to_1e_5_in_probabilities_and_embedding()
    {
        using var model = OpenVictim();
        var probabilities = new float[Vectors * Classes];
        var embedding = new float[Vectors * EmbeddingLength];

        model.Run(Inputs, Vectors, probabilities, embedding);

        AssertClose(Probabilities, probabilities, 1e-5);
        AssertClose(Embedding, embedding, 1e-5);
    }

    [Fact]
    public void Batch_1_equals_pytorch_on_every_vector()
    {
        using var model = OpenVictim();
        var probabilities = new float[Classes];
        var embedding = new float[EmbeddingLength];
        for (var i = 0; i < Vectors; i++)
        {
            model.Run(Inputs.AsSpan(i * Pixels, Pixels), 1, probabilities, embedding);
            AssertClose(Probabilities.AsSpan(i * Classes, Classes).ToArray(), probabilities, 1e-5);
            AssertClose(Embedding.AsSpan(i * EmbeddingLength, EmbeddingLength).ToArray(), embedding, 1e-5);
        }
    }

    [Fact]
    public void The_surrogate_loads_and_matches_its_vectors()
    {
        using var surrogate = new OnnxInferenceModel(
            OnnxLibrary.Environment.OpenSession(RepositoryFiles.Model("fmnist-cnn-surrogate.onnx")), "probs", null);
        var probabilities = new float[Vectors * Classes];

        surrogate.Run(Inputs, Vectors, probabilities, default);

        AssertClose(SurrogateProbabilities, probabilities, 1e-5);
    }

    [Fact]
    public void Concurrent_runs_on_one_session_give_correct_answers()
    {
        using var model = OpenVictim();
        Parallel.For(0, 64, i =>
        {
            var row = new float[Classes];
            model.Run(Inputs.AsSpan(i * Pixels, Pixels), 1, row, default);
            AssertClose(Probabilities.AsSpan(i * Classes, Classes).ToArray(), row, 1e-5);
        });
    }

    [Fact]
    public void A_wrong_input_length_is_refused_before_reaching_ort()
    {
        using var model = OpenVictim();
        var error = Assert.Throws<ArgumentException>(() => model.Run(new float[783], 1, new float[Classes], default));
        Assert.Contains("784", error.Message);
    }

    [Fact]
    public void A_corrupt_model_fails_with_orts_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 512).Select(i => (byte)(i * 37))]);
        try
        {
            var error = Assert.Throws<OnnxRuntimeException>(() => OnnxLibrary.Environment.OpenSession(path));
            Assert.Equal(OrtInvalidProtobuf, error.ErrorCode);
            Assert.Contains("Protobuf parsing failed", error.OrtMessage);
            Assert.Contains(error.OrtMessage, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_model_file_names_the_path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => OnnxLibrary.Environment.OpenSession("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", error.Message);
    }

    [Fact]
    public void Asking_for_cuda_without_its_libraries_falls_back_to_cpu_and_still_scores_correctly()
    {
        var logs = new ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        using var onnx = OnnxEnvironment.Create(OnnxEnvironment.FindLibrary(), loggers);
        using var session = onnx.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx"), new OnnxSessionOptions { UseCuda = true });
        using var model = new OnnxInferenceModel(session, "probs", null);
        var probabilities = new float[Classes];

        model.Run(Inputs.AsSpan(0, Pixels), 1, probabilities, default);

        Assert.Equal("CPU", session.ExecutionProvider);
        Assert.NotNull(session.CudaFallbackReason);
        var warning = Assert.Single(logs.Entries, e => e.Message.Contains("CUDA", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal($"CUDA execution provider unavailable ({session.CudaFallbackReason}); running on CPU", warning.Message);
        AssertClose(Probabilities[..Classes], probabilities, 1e-5);
    }

    [Fact]
    public void Dispose_twice_is_harmless_and_run_after_dispose_throws()
    {
        var model = OpenVictim();
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Run(Inputs.AsSpan(0, Pixels), 1, new float[Classes], default));
    }

    private static OnnxInferenceModel OpenVictim() =>
        new(OnnxLibrary.Environment.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx")), "probs", "embedding");

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
        Assert.True(worst <= tolerance, $"max abs difference {worst:E3} > {tolerance:E1}");
    }
}
