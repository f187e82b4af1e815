using Mirage.Interfaces.Audit;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

/// <summary>
/// GET /v1/admin/audit (docs/API.md, audit log): an operator reads its own tenant's log, newest first.
/// The tenant comes from the key alone, so no parameter can reach another tenant's log.
/// </summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/audit", ReadAsync).RequireAuthorization(MiragePolicies.Operator);
        return app;
    }

    private static async Task<IResult> ReadAsync(
        HttpContext context, IGrainFactory grains, GrainCallResilience resilience, string? client, string? limit, string? offset)
    {
        var caller = ApiPrincipal.Required(context);
        if (client is { } name && string.IsNullOrWhiteSpace(name))
        {
            return ApiError.BadRequest("client must be a client's name when given; leave it out for every client.").ToResult();
        }

        // Parsed here rather than bound as int?, so "limit=abc" gets this detail instead of the binder's, which names .NET types.
        if (!AdminQuery.TryParseCount(limit, 50, out var pageSize) || pageSize is < 1 or > AuditLimits.MaxPage)
        {
            return ApiError.BadRequest($"limit must be a whole number between 1 and {AuditLimits.MaxPage}.").ToResult();
        }

        if (!AdminQuery.TryParseCount(offset, 0, out var skip))
        {
            return ApiError.BadRequest("offset must be a whole number of at least 0.").ToResult();
        }

        var page = await resilience.RepeatableAsync(
            (Grain: grains.GetGrain<IAuditGrain>(caller.Tenant), Client: client, Limit: pageSize, Offset: skip),
            static s => s.Grain.ReadAsync(s.Client, s.Limit, s.Offset), context.RequestAborted);
        return TypedResults.Ok(new AuditList(page.Entries, page.Total));
    }

    /// <summary>The answer's shape: the entries serialize as themselves (sequence, at, actor, role, action, client, before, after).</summary>
    public sealed record AuditList(IReadOnlyList<AuditEntry> Entries, int Total);
}
