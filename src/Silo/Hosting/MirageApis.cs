using Mirage.Inference;
using Mirage.Silo.Http;
using Mirage.Silo.OpenApi;
using Mirage.Silo.Security;
using Orleans.Dashboard;

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
        app.MapAuditApi();
        app.MapTenantApi();
        // The operators' console: its files are public, its data calls need an operator key.
        app.MapConsole();
        app.MapMirageOpenApi();
        // Orleans' dashboard streams the silo's logs (its Log Stream page): platform admins only, never anonymous.
        // Its pages and JSON feeds are Orleans', not Mirage's API: kept out of the OpenAPI document.
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(MiragePolicies.Admin).ExcludeFromDescription();
        return app;
    }
}
