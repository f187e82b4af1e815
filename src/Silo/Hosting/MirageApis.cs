using Mirage.Inference;
using Mirage.Silo.Http;

namespace Mirage.Silo.Hosting;

public static class MirageApis
{
    /// <summary>Every HTTP endpoint of docs/API.md.</summary>
    public static IEndpointRouteBuilder MapMirageApis(this IEndpointRouteBuilder app)
    {
        // Load the models now, so a bad model or a missing library stops start-up instead of the first request.
        app.ServiceProvider.GetRequiredService<ModelCatalog>();
        app.MapServiceApi();
        app.MapModelsApi();
        app.MapPredictApi();
        app.MapAdminApi();
        return app;
    }
}
