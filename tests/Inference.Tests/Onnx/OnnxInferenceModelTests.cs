using Mirage.Inference.Onnx;
using Mirage.Tests.Shared;
using static Mirage.Inference.Tests.TestSupport.OnnxModels;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>What the inference pool relies on: the model's sizes, refusals before ORT is reached, no copy per run.</summary>
public sealed class OnnxInferenceModelTests
{
    [Fact]
    public void Reports_the_sizes_and_device_the_manifest_and_settings_promise()
    {
        using var model = Victim("input");
        Assert.Equal((Pixels, Classes, 128), (model.InputLength, model.Classes, model.EmbeddingLength));
        Assert.Equal(OnnxModelLoader.Cpu, model.Device);
    }

    [Fact]
    public void An_input_name_other_than_the_models_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Victim("pixels"));
        Assert.Contains("\"input\"", error.Message);
        Assert.Contains("\"pixels\"", error.Message);
    }

    [Fact]
    public void An_unknown_output_is_refused_naming_the_outputs_there_are()
    {
        var error = Assert.Throws<ArgumentException>(() => CpuLoader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", "features"));
        Assert.Contains("probs, embedding", error.Message);
    }

    [Theory]
    [InlineData(Classes - 1, 0)]
    [InlineData(Classes + 1, 0)]
    [InlineData(Classes, 127)]
    public void A_destination_of_the_wrong_length_is_refused_and_left_untouched(int probabilityRoom, int embeddingRoom)
    {
        using var model = Victim();
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
        using var model = Victim();
        Assert.ThrowsAny<ArgumentException>(() => model.Run([], batchSize, [], default));
    }

    [Fact]
    public void A_batch_larger_than_its_inputs_is_refused()
    {
        using var model = Victim();
        var error = Assert.Throws<ArgumentException>(() => model.Run(Inputs.AsSpan(0, 2 * Pixels), 3, new float[3 * Classes], default));
        Assert.Contains("2352", error.Message);
    }

    [Fact]
    public void A_run_allocates_the_same_few_bytes_at_batch_1_and_256_so_rows_are_never_copied()
    {
        using var model = Victim();
        var probabilities = new float[256 * Classes];
        var embedding = new float[256 * model.EmbeddingLength];

        long AllocatedPerRun(int batch)
        {
            var outputs = probabilities.AsSpan(0, batch * Classes);
            model.Run(Inputs.AsSpan(0, batch * Pixels), batch, outputs, embedding.AsSpan(0, batch * model.EmbeddingLength));
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                model.Run(Inputs.AsSpan(0, batch * Pixels), batch, outputs, embedding.AsSpan(0, batch * model.EmbeddingLength));
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        }

        var one = AllocatedPerRun(1);
        var many = AllocatedPerRun(256);

        // What remains is ORT's managed API itself (an OrtValue object per tensor, its name lookup);
        // a copy of the rows would be 800 KB at batch 256.
        Assert.Equal(one, many);
        Assert.InRange(one, 1, 2048);
        AssertClose(Probabilities, probabilities, 1e-5);
    }
}
