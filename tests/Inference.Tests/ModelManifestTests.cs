using System.Text.Json.Nodes;
using Mirage.Inference;
using Mirage.Tests.Shared;

namespace Mirage.Inference.Tests;

/// <summary>models/NAME.json: the lab's manifest is read as written, and every mistake names the file and the field.</summary>
public sealed class ModelManifestTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mirage-manifest-");

    [Fact]
    public void Reads_the_labs_manifest_and_resolves_its_files_next_to_it()
    {
        var manifest = ModelManifest.Load(RepositoryFiles.Model("fmnist-cnn.json"));

        Assert.Equal("fmnist-cnn", manifest.Name);
        Assert.Equal(("input", "probs", "embedding"), (manifest.InputName, manifest.ProbabilitiesOutput, manifest.EmbeddingOutput));
        Assert.Equal([1, 28, 28], manifest.InputShape);
        Assert.Equal(10, manifest.Classes);
        Assert.Equal([0.0, 1.0], manifest.InputRange!);
        Assert.Equal("T-shirt/top", manifest.Labels[0]);
        Assert.Equal("Ankle boot", manifest.Labels[9]);
        Assert.True(File.Exists(manifest.ModelPath), manifest.ModelPath);
        Assert.True(File.Exists(manifest.SurrogatePath), manifest.SurrogatePath);
        Assert.Equal(10, manifest.SurrogateMeanPosterior!.Length);
        Assert.Equal(1, manifest.SurrogateMeanPosterior.Sum(), 1e-5);
    }

    [Theory]
    [InlineData("[0.5, 0.2, 0.3]", "3 values for 2 classes")]
    [InlineData("[1.2, -0.2]", "non-negative values that sum to 1")]
    [InlineData("[0.2, 0.2]", "non-negative values that sum to 1")]
    public void A_surrogate_mean_posterior_that_does_not_fit_is_refused(string posterior, string problem)
    {
        var json = Valid();
        json["surrogateMeanPosterior"] = JsonNode.Parse(posterior);
        AssertRefused(json, problem);
    }

    [Theory]
    [InlineData("[0]")]
    [InlineData("[1, 0]")]
    [InlineData("[0, 1, 2]")]
    [InlineData("[0.5, 0.5]")]
    public void An_input_range_that_is_not_lowest_then_highest_is_refused(string range)
    {
        var json = Valid();
        json["inputRange"] = JsonNode.Parse(range);
        AssertRefused(json, "\"inputRange\" must be two finite numbers");
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var json = Valid();
        json["trainImages"] = "0-49999";
        json["somethingNew"] = new JsonObject { ["nested"] = 1 };

        Assert.Equal("m", ModelManifest.Load(Write(json)).Name);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(_folder.FullName, "absent.json");
        var error = Assert.ThrowsAny<IOException>(() => ModelManifest.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("classes")]
    [InlineData("file")]
    [InlineData("inputShape")]
    [InlineData("labels")]
    public void A_missing_required_field_is_named(string field)
    {
        var json = Valid();
        json.Remove(field);
        AssertRefused(json, field);
    }

    [Theory]
    [InlineData("classes")]
    [InlineData("file")]
    [InlineData("inputShape")]
    [InlineData("labels")]
    public void A_null_field_is_named(string field)
    {
        var json = Valid();
        json[field] = null;
        AssertRefused(json, field);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_named()
    {
        var json = Valid();
        json["classes"] = "ten";
        AssertRefused(json, "classes");
    }

    [Fact]
    public void Labels_must_match_the_classes()
    {
        var json = Valid();
        json["classes"] = 3;
        AssertRefused(json, "labels");
    }

    [Fact]
    public void The_input_shape_must_be_positive()
    {
        var json = Valid();
        json["inputShape"] = new JsonArray(1, 0, 28);
        AssertRefused(json, "inputShape");
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private void AssertRefused(JsonObject json, string field)
    {
        var path = Write(json);
        var error = Assert.Throws<InvalidDataException>(() => ModelManifest.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(field, error.Message);
    }

    private string Write(JsonObject json)
    {
        var path = Path.Combine(_folder.FullName, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static JsonObject Valid() => new()
    {
        ["name"] = "m",
        ["file"] = "m.onnx",
        ["inputName"] = "input",
        ["probabilitiesOutput"] = "probs",
        ["inputShape"] = new JsonArray(1, 28, 28),
        ["classes"] = 2,
        ["labels"] = new JsonArray("a", "b"),
    };
}
