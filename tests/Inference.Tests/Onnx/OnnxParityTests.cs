using Microsoft.ML.OnnxRuntime;
using Mirage.Inference.Onnx;
using Mirage.Tests.Shared;
using static Mirage.Inference.Tests.TestSupport.OnnxModels;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>The official ONNX Runtime computes what PyTorch computed for the exported test vectors (lab/train_victim.py).</summary>
public sealed class OnnxParityTests
{
    private const int Vectors = 256;
    private const int EmbeddingLength = 128;

    [Fact]
    public void Runs_on_onnx_runtime_1_31_0_with_the_cpu_provider()
    {
        Assert.Equal("1.31.0", OnnxModelLoader.RuntimeVersion);
        Assert.Contains("CPUExecutionProvider", OrtEnv.Instance().GetAvailableProviders());
    }

    [Fact]
    public void A_batch_of_256_equals_pytorch_to_1e_5_in_probabilities_and_embedding()
    {
        using var model = Victim();
        var probabilities = new float[Vectors * Classes];
        var embedding = new float[Vectors * EmbeddingLength];

        model.Run(Inputs, Vectors, probabilities, embedding);

        AssertClose(Probabilities, probabilities, 1e-5);
        AssertClose(Embedding, embedding, 1e-5);
    }

    [Fact]
    public void Batch_1_equals_pytorch_on_every_vector()
    {
        using var model = Victim();
        var probabilities = new float[Classes];
        var embedding = new float[EmbeddingLength];
        for (var i = 0; i < Vectors; i++)
        {
            model.Run(Inputs.AsSpan(i * Pixels, Pixels), 1, probabilities, embedding);
            AssertClose(Probabilities.AsSpan(i * Classes, Classes), probabilities, 1e-5);
            AssertClose(Embedding.AsSpan(i * EmbeddingLength, EmbeddingLength), embedding, 1e-5);
        }
    }

    [Fact]
    public void Probabilities_alone_equal_pytorch_and_leave_no_embedding_to_fetch()
    {
        using var model = Victim();
        var probabilities = new float[64 * Classes];

        model.Run(Inputs.AsSpan(0, 64 * Pixels), 64, probabilities, default);

        AssertClose(Probabilities.AsSpan(0, 64 * Classes), probabilities, 1e-5);
    }

    [Fact]
    public void The_surrogate_loads_and_matches_its_vectors()
    {
        using var surrogate = Surrogate();
        var probabilities = new float[Vectors * Classes];

        surrogate.Run(Inputs, Vectors, probabilities, default);

        Assert.Equal(0, surrogate.EmbeddingLength);
        AssertClose(SurrogateProbabilities, probabilities, 1e-5);
    }

    [Fact]
    public void Concurrent_runs_on_one_session_give_correct_answers()
    {
        using var model = Victim();
        Parallel.For(0, 64, i =>
        {
            var row = new float[Classes];
            var embedding = new float[EmbeddingLength];
            model.Run(Inputs.AsSpan(i * Pixels, Pixels), 1, row, i % 2 == 0 ? embedding : default);
            AssertClose(Probabilities.AsSpan(i * Classes, Classes), row, 1e-5);
        });
    }

    [Fact]
    public void A_corrupt_model_fails_with_orts_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 512).Select(i => (byte)(i * 37))]);
        try
        {
            var error = Assert.Throws<OnnxRuntimeException>(() => CpuLoader.Open(path, "probs", null));
            Assert.Contains("InvalidProtobuf", error.Message);
            Assert.Contains("Protobuf parsing failed", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_model_file_names_the_path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => CpuLoader.Open("/nonexistent/model.onnx", "probs", null));
        Assert.Contains("/nonexistent/model.onnx", error.Message);
    }
}
