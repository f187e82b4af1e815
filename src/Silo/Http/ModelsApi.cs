using Mirage.Inference;

namespace Mirage.Silo.Http;

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        // Any key may list the models: clients to predict, operators and admins to read what is served.
        app.MapGet("/v1/models", (ModelCatalog catalog) => TypedResults.Ok(new ModelList(catalog.All
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => new ModelDescription(m.Name, m.InputShape, m.Classes, m.Labels))
                .ToList())))
            .RequireAuthorization();
        return app;
    }

    public sealed record ModelList(IReadOnlyList<ModelDescription> Models);

    public sealed record ModelDescription(string Name, IReadOnlyList<int> InputShape, int Classes, IReadOnlyList<string> Labels);
}
