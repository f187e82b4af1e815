using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mirage.Silo.OpenApi;

/// <summary>
/// GET /metrics in the OpenAPI document. The Prometheus exporter maps a middleware pipeline, not a
/// handler, so ASP.NET's API explorer never sees it; this describes it by hand.
/// </summary>
internal sealed class MetricsDescription : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var scrape = new OpenApiOperation
        {
            Summary = "Prometheus text: Mirage's, ASP.NET Core's and Orleans' metrics (admin keys only: they span tenants).",
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "Prometheus text format 0.0.4 (OpenMetrics when the Accept header asks for it).",
                    Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() },
                },
            },
        };
        ApiKeySecurity.Require(scrape, document, needsRole: true);
        document.Paths ??= new OpenApiPaths();
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = scrape },
        };
        return Task.CompletedTask;
    }
}
