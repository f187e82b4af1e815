using System.Text.Json;

namespace Mirage.Inference;

/// <summary>models/NAME.json: what the lab exported and how the service should serve it.</summary>
public sealed record ModelManifest
{
    public required string Name { get; init; }

    /// <summary>The ONNX file, relative to the manifest.</summary>
    public required string File { get; init; }

    /// <summary>MAD's randomly initialised surrogate of the same architecture, relative to the manifest.</summary>
    public string? Surrogate { get; init; }

    /// <summary>The surrogate's mean posterior over the victim's training images (one value per class), written by the lab.</summary>
    public double[]? SurrogateMeanPosterior { get; init; }

    public string InputName { get; init; } = "input";

    public string ProbabilitiesOutput { get; init; } = "probs";

    public string? EmbeddingOutput { get; init; }

    public required int[] InputShape { get; init; }

    public required int Classes { get; init; }

    public required string[] Labels { get; init; }

    public double? TestAccuracy { get; init; }

    /// <summary>
    /// The smallest and largest value an input may hold in the model's own scaling ([0, 1] for pixel / 255).
    /// Requests outside it are refused: a model fed values it never saw can answer NaN.
    /// </summary>
    public double[]? InputRange { get; init; }

    /// <summary>The folder the manifest was read from; relative files resolve against it.</summary>
    public string Directory { get; init; } = "";

    public string ModelPath => Path.Combine(Directory, File);

    public string? SurrogatePath => Surrogate is null ? null : Path.Combine(Directory, Surrogate);

    // Web defaults: camelCase, unknown fields ignored. Nullability enforced, so "labels": null is
    // refused naming the field instead of surfacing later as a NullReferenceException.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { RespectNullableAnnotations = true };

    public static ModelManifest Load(string path)
    {
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(System.IO.File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Model manifest {path} is not valid: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new InvalidDataException($"Model manifest {path} is empty.");
        }

        var problem = manifest switch
        {
            { Name.Length: 0 } => "\"name\" is empty",
            { InputShape.Length: 0 } => "\"inputShape\" is empty",
            _ when manifest.InputShape.Any(d => d <= 0) => "\"inputShape\" has a dimension that is not positive",
            { Classes: < 2 } => "\"classes\" must be at least 2",
            _ when manifest.Labels.Length != manifest.Classes => $"\"labels\" has {manifest.Labels.Length} names for {manifest.Classes} classes",
            { SurrogateMeanPosterior: { } mean } when mean.Length != manifest.Classes =>
                $"\"surrogateMeanPosterior\" has {mean.Length} values for {manifest.Classes} classes",
            { SurrogateMeanPosterior: { } mean } when !SurrogatePosterior.IsDistribution(mean) =>
                "\"surrogateMeanPosterior\" must be non-negative values that sum to 1",
            { InputRange: { } range } when range.Length != 2 || !double.IsFinite(range[0]) || !double.IsFinite(range[1]) || range[0] >= range[1] =>
                "\"inputRange\" must be two finite numbers [lowest, highest] with lowest < highest",
            _ => null,
        };
        return problem is null
            ? manifest with { Directory = Path.GetDirectoryName(Path.GetFullPath(path))! }
            : throw new InvalidDataException($"Model manifest {path}: {problem}.");
    }
}
