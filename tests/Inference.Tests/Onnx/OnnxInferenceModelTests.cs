using Mirage.Inference.Onnx;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Tests.Shared;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>What the inference pool relies on: the model's sizes, refusals before ORT is reached, no garbage per run.</summary>
public sealed class OnnxInferenceModelTests
{
    [Fact]
    public void Reports_the_sizes_the_manifest_promises()
    {
        using var model = Open("input");
        Assert.Equal((Pixels, Classes, 128), (model.InputLength, model.Classes, model.EmbeddingLength));
    }

    [Fact]
    public void An_input_name_other_than_the_models_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Open("pixels"));
        Assert.Contains("\"input\"", error.Message);
        Assert.Contains("\"pixels\"", error.Message);
    }

    [Fact]
    public void An_unknown_output_is_refused_naming_the_outputs_there_are()
    {
        var session = OnnxLibrary.Environment.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx"));
        var error = Assert.Throws<ArgumentException>(() => new OnnxInferenceModel(session, "probs", "features"));
        Assert.Contains("probs, embedding", error.Message);
    }

    [Theory]
    [InlineData(Classes - 1, 0)]
    [InlineData(Classes + 1, 0)]
    [InlineData(Classes, 127)]
    public void A_destination_of_the_wrong_length_is_refused_and_left_untouched(int probabilityRoom, int embeddingRoom)
    {
        using var model = Open("input");
        var probabilities = Enumerable.Repeat(-1f, probabilityRoom).ToArray();
        var embedding = Enumerable.Repeat(-1f, embeddingRoom).ToArray();

        var error = Assert.Throws<ArgumentException>(() => model.Run(Inputs.AsSpan(0, Pixels), 1, probabilities, embedding));

        Assert.Contains(embeddingRoom > 0 ? "embedding" : "probs", error.Message);
        Assert.All(probabilities, p => Assert.Equal(-1f, p));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_batch_size_below_1_is_refused(int batchSize)
    {
        using var model = Open("input");
        Assert.ThrowsAny<ArgumentException>(() => model.Run([], batchSize, [], default));
    }

    [Fact]
    public void A_batch_larger_than_its_inputs_is_refused()
    {
        using var model = Open("input");
        var error = Assert.Throws<ArgumentException>(() => model.Run(Inputs.AsSpan(0, 2 * Pixels), 3, new float[3 * Classes], default));
        Assert.Contains("2352", error.Message);
    }

    [Fact]
    public void Run_allocates_no_managed_memory()
    {
        using var model = Open("input");
        var probabilities = new float[64 * Classes];
        var embedding = new float[64 * model.EmbeddingLength];
        model.Run(Inputs.AsSpan(0, 64 * Pixels), 64, probabilities, embedding);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            model.Run(Inputs.AsSpan(0, 64 * Pixels), 64, probabilities, embedding);
            model.Run(Inputs.AsSpan(0, 64 * Pixels), 64, probabilities, default);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static OnnxInferenceModel Open(string inputName) =>
        new(OnnxLibrary.Environment.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx")), "probs", "embedding", inputName);
}
