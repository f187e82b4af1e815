using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mirage.Silo.OpenApi;

/// <summary>
/// The bearer API key in the OpenAPI document: the scheme once, and on every operation that needs a key
/// (all but the anonymous ones: the fallback policy asks a key of any endpoint that names none) the
/// requirement and the answers every such endpoint can give, 401, 403 for a role's policy, 429.
/// </summary>
internal sealed class ApiKeySecurity : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeName = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key: `Authorization: Bearer <key>`. Its role (client, operator, admin) decides what it may call.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return Task.CompletedTask;
        }

        Require(operation, context.Document, needsRole: metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null));
        return Task.CompletedTask;
    }

    /// <summary>Marks <paramref name="operation"/> as needing a key, with the problems a refused key gets.</summary>
    public static void Require(OpenApiOperation operation, OpenApiDocument? document, bool needsRole)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", Problem("No key, or a key nobody configured."));
        if (needsRole)
        {
            operation.Responses.TryAdd("403", Problem("A key of another role."));
        }

        operation.Responses.TryAdd("429", Problem("The key is over its request rate; retry after the Retry-After delay."));
    }

    private static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
    };
}
