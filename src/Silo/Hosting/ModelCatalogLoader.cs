using Mirage.Grains.Inference;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Hosting;

internal static class ModelCatalogLoader
{
    public static ModelCatalog Load(MirageOptions options, PerturbationRunner perturbations, ILoggerFactory loggers) =>
        throw new NotImplementedException("TEMPORARY: wired when the ONNX binding lands");
}
