using Mirage.Inference;
using Mirage.Defense.Perturbation;
using Mirage.Inference.Onnx;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Hosting;

/// <summary>Loads every model manifest of the models folder into an inference pool.</summary>
internal static class ModelCatalogLoader
{
    public static ModelCatalog Load(MirageOptions options, OnnxEnvironment onnx, PerturbationCatalog perturbations, ILogger logger)
    {
        if (!Directory.Exists(options.ModelsDirectory))
        {
            throw new DirectoryNotFoundException(
                $"The models folder {options.ModelsDirectory} does not exist; set Mirage:ModelsDirectory.");
        }

        var sessionOptions = new OnnxSessionOptions { IntraOpThreads = options.Inference.IntraOpThreads, UseCuda = options.UseCuda };
        var models = new List<ServedModel>();
        foreach (var path in Directory.EnumerateFiles(options.ModelsDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            var manifest = ModelManifest.Load(path);
            var victim = Open(onnx, manifest.ModelPath, manifest.ProbabilitiesOutput, manifest.EmbeddingOutput, sessionOptions);
            var expected = manifest.InputShape.Aggregate(1, (a, d) => a * d);
            if (victim.InputLength != expected || victim.Classes != manifest.Classes)
            {
                throw new InvalidDataException(
                    $"{manifest.ModelPath} takes {victim.InputLength} values and gives {victim.Classes} classes; " +
                    $"its manifest says {expected} ({string.Join('x', manifest.InputShape)}) and {manifest.Classes}.");
            }

            var surrogate = Surrogate(manifest, options.Inference.SurrogatePosterior, onnx, sessionOptions, logger);
            var pool = new InferencePool(manifest.Name, victim, surrogate, perturbations, options.Inference);
            models.Add(new ServedModel(manifest.Name, manifest.InputShape, manifest.Labels, pool, InputRange.Of(manifest.InputRange)));
            logger.LogInformation(
                "Model {Model} loaded ({Shape} -> {Classes} classes, MAD's surrogate posterior: {Surrogate}, provider: {Provider}, ONNX Runtime {Version})",
                manifest.Name, string.Join('x', manifest.InputShape), manifest.Classes,
                pool.SurrogateDescription, victim.Session.ExecutionProvider, onnx.Version);
        }

        return new ModelCatalog(models);
    }

    private static SurrogatePosterior? Surrogate(
        ModelManifest manifest, SurrogateSource source, OnnxEnvironment onnx, OnnxSessionOptions sessionOptions, ILogger logger)
    {
        if (source == SurrogateSource.Mean && manifest.SurrogateMeanPosterior is { } mean)
        {
            return SurrogatePosterior.Mean(mean);
        }

        if (source == SurrogateSource.Mean)
        {
            logger.LogWarning(
                "Model {Model}: the manifest has no surrogateMeanPosterior, so MAD runs the surrogate on every row " +
                "(run lab/train_victim.py --surrogate-posterior-only to add it)", manifest.Name);
        }

        return manifest.SurrogatePath is { } path
            ? SurrogatePosterior.PerInput(Open(onnx, path, manifest.ProbabilitiesOutput, null, sessionOptions), owns: true)
            : null;
    }

    private static OnnxInferenceModel Open(
        OnnxEnvironment onnx, string path, string probabilities, string? embedding, OnnxSessionOptions options) =>
        new(onnx.OpenSession(path, options), probabilities, embedding);
}
