using Microsoft.Extensions.Options;
using Mirage.Defense.Perturbation;
using Mirage.Inference;
using Mirage.Inference.Onnx;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Hosting;

/// <summary>
/// Everything inference adds to the silo: the models folder loaded into inference pools on ONNX Runtime,
/// on the device Mirage:Inference:Device chooses, at start-up (so Device=cuda without CUDA stops the silo).
/// </summary>
public static class InferenceHosting
{
    public static IServiceCollection AddMirageInference(this IServiceCollection services)
    {
        services.AddSingleton(sp => LoadCatalog(
            sp.GetRequiredService<IOptions<MirageOptions>>().Value,
            sp.GetRequiredService<PerturbationCatalog>(),
            sp.GetRequiredService<InferenceRunMetrics>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Mirage.Models")));
        services.AddHostedService<ModelCatalogStartup>();
        return services;
    }

    private static ModelCatalog LoadCatalog(
        MirageOptions options, PerturbationCatalog perturbations, InferenceRunMetrics metrics, ILogger logger)
    {
        if (!Directory.Exists(options.ModelsDirectory))
        {
            throw new DirectoryNotFoundException(
                $"The models folder {options.ModelsDirectory} does not exist; set Mirage:ModelsDirectory.");
        }

        var loader = new OnnxModelLoader(options.Inference, logger);
        var models = new List<ServedModel>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(options.ModelsDirectory, "*.json").Order(StringComparer.Ordinal))
            {
                models.Add(LoadModel(ModelManifest.Load(path), loader, options.Inference, perturbations, metrics, logger));
            }
        }
        catch
        {
            models.ForEach(m => m.Pool.Dispose());
            throw;
        }

        return new ModelCatalog(models);
    }

    private static ServedModel LoadModel(
        ModelManifest manifest,
        OnnxModelLoader loader,
        InferenceOptions options,
        PerturbationCatalog perturbations,
        InferenceRunMetrics metrics,
        ILogger logger)
    {
        var victim = loader.Open(manifest.ModelPath, manifest.ProbabilitiesOutput, manifest.EmbeddingOutput);
        var expected = manifest.InputShape.Aggregate(1, (a, d) => a * d);
        if (victim.InputLength != expected || victim.Classes != manifest.Classes)
        {
            victim.Dispose();
            throw new InvalidDataException(
                $"{manifest.ModelPath} takes {victim.InputLength} values and gives {victim.Classes} classes; " +
                $"its manifest says {expected} ({string.Join('x', manifest.InputShape)}) and {manifest.Classes}.");
        }

        var surrogate = Surrogate(manifest, options.SurrogatePosterior, loader, logger);
        var pool = new InferencePool(manifest.Name, victim, surrogate, perturbations, options, metrics);
        logger.LogInformation(
            "Model {Model} loaded ({Shape} -> {Classes} classes, MAD's surrogate posterior: {Surrogate}, device: {Device}, ONNX Runtime {Version})",
            manifest.Name, string.Join('x', manifest.InputShape), manifest.Classes,
            pool.SurrogateDescription, victim.Device, OnnxModelLoader.RuntimeVersion);
        return new ServedModel(manifest.Name, manifest.InputShape, manifest.Labels, pool, victim.Device, InputRange.Of(manifest.InputRange));
    }

    private static SurrogatePosterior? Surrogate(ModelManifest manifest, SurrogateSource source, OnnxModelLoader loader, ILogger logger)
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
            ? SurrogatePosterior.PerInput(loader.Open(path, manifest.ProbabilitiesOutput, null), owns: true)
            : null;
    }

    /// <summary>Loads the models while the host starts instead of on the first request that needs them.</summary>
    private sealed class ModelCatalogStartup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<ModelCatalog>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
