using Mirage.Silo.Http;

namespace Mirage.Silo.Hosting;

public static class MirageApis
{
    /// <summary>Every HTTP endpoint of API.md.</summary>
    public static IEndpointRouteBuilder MapMirageApis(this IEndpointRouteBuilder app)
    {
        app.MapServiceApi();
        app.MapModelsApi();
        app.MapPredictApi();
        app.MapAdminApi();
        return app;
    }
}
