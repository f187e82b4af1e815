using Mirage.Defense.Perturbation;
using Mirage.Inference;
using Mirage.Inference.Onnx;
using Mirage.Tests.Shared;

namespace Mirage.Grains.Tests.TestSupport;

/// <summary>The repository's real victim model, opened from its manifest with the options the silo's loader uses.</summary>
internal static class FashionMnistModel
{
    public const string Name = "fmnist-cnn";

    /// <summary>A catalog serving the victim in a pool of its own (one per silo), MAD's surrogate left to the victim.</summary>
    public static ModelCatalog Catalog()
    {
        var manifest = ModelManifest.Load(RepositoryFiles.Model($"{Name}.json"));
        var options = new InferenceOptions();
        var victim = new OnnxModelLoader(options).Open(manifest.ModelPath, manifest.ProbabilitiesOutput, manifest.EmbeddingOutput);
        var pool = new InferencePool(manifest.Name, victim, surrogate: null, new PerturbationCatalog(), options);
        return new ModelCatalog([new ServedModel(manifest.Name, manifest.InputShape, manifest.Labels, pool, victim.Device)]);
    }
}
