namespace Mirage.Silo.OpenApi;

/// <summary>
/// The OpenAPI document of docs/API.md at /openapi/v1.json (Microsoft.AspNetCore.OpenApi). Anonymous:
/// it describes the endpoints and holds no data.
/// </summary>
public static class OpenApiHosting
{
    public static IServiceCollection AddMirageOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Mirage";
                document.Info.Description = "A classifier's prediction API with a defense against model stealing in front of it (docs/API.md).";
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<ApiKeySecurity>();
            options.AddOperationTransformer<ApiKeySecurity>();
            options.AddDocumentTransformer<MetricsDescription>();
        });

    public static IEndpointRouteBuilder MapMirageOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
