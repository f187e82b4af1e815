using Mirage.Inference;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (HttpContext context, ModelCatalog catalog, ApiKeyDirectory keys) =>
        {
            if (ApiCaller.Resolve(context, keys, requiredRole: null, out _) is { } error)
            {
                return error.ToResult();
            }

            return TypedResults.Ok(new ModelList(catalog.All
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => new ModelDescription(m.Name, m.InputShape, m.Classes, m.Labels))
                .ToList()));
        });
        return app;
    }

    public sealed record ModelList(IReadOnlyList<ModelDescription> Models);

    public sealed record ModelDescription(string Name, IReadOnlyList<int> InputShape, int Classes, IReadOnlyList<string> Labels);
}
