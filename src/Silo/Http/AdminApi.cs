using System.Text.Json;
using Mirage.Defense.Escalation;
using Mirage.Inference;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;
using Mirage.Silo.Configuration;
using Mirage.Silo.Operators;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

/// <summary>
/// The operators' endpoints (docs/API.md): list, inspect and steer the clients of the operator's own
/// tenant. Another tenant's client answers 404, exactly as a client that does not exist.
/// </summary>
public static class AdminApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin/clients");
        admin.MapGet("", ListAsync);
        admin.MapGet("/{client}", (string client, HttpContext context, ApiKeyDirectory keys, IGrainFactory grains) =>
            WithClientAsync(client, context, keys, grains, grain => grain.GetDetailAsync()));
        admin.MapPut("/{client}/override", PutOverrideAsync);
        admin.MapDelete("/{client}/override", (string client, HttpContext context, ApiKeyDirectory keys, IGrainFactory grains) =>
            WithClientAsync(client, context, keys, grains, grain => grain.SetOverrideAsync(null)));
        admin.MapPost("/{client}/reset", (string client, HttpContext context, ApiKeyDirectory keys, IGrainFactory grains) =>
            WithClientAsync(client, context, keys, grains, grain => grain.ResetAsync()));
        return app;
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, ApiKeyDirectory keys, IGrainFactory grains, GrainCallResilience resilience, string? sort, int? limit, int? offset)
    {
        if (ApiCaller.Resolve(context, keys, ApiKeyRole.Operator, out var caller) is { } denied)
        {
            return denied.ToResult();
        }

        if (!ClientSortNames.TryParse(sort ?? "suspicion", out var order))
        {
            return ApiError.BadRequest($"sort must be one of {ClientSortNames.All}; got \"{sort}\".").ToResult();
        }

        if (limit is < 1 or > 1000 || offset is < 0)
        {
            return ApiError.BadRequest("limit must be between 1 and 1000 and offset at least 0.").ToResult();
        }

        var page = await resilience.RepeatableAsync(
            (Grain: grains.GetGrain<ITenantGrain>(caller.Tenant), Order: order, Limit: limit ?? 50, Offset: offset ?? 0),
            static s => s.Grain.ListClientsAsync(s.Order, s.Limit, s.Offset), context.RequestAborted);
        return TypedResults.Ok(new ClientList(page.Clients.Select(ClientListItem.Of).ToList(), page.Total));
    }

    private static async Task<IResult> PutOverrideAsync(
        string client, HttpContext context, ApiKeyDirectory keys, IGrainFactory grains,
        EscalationLadders ladders, GrainCallResilience resilience)
    {
        if (Authorize(client, context, keys, out var caller) is { } denied)
        {
            return denied.ToResult();
        }

        ClientOverride? requested;
        try
        {
            requested = await JsonSerializer.DeserializeAsync<ClientOverride>(context.Request.Body, Json, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return ApiError.BadRequest($"The override is not valid JSON of API.md's shape: {ex.Message}").ToResult();
        }

        var levels = ladders.For(caller.Tenant).Levels.Count;
        var problem = requested is null ? "Send one override object." : requested.Problem(levels);
        if (problem is null && requested!.Policy is { } policy)
        {
            problem = PerturbationCatalog.Problem(policy);
        }

        if (problem is not null)
        {
            return ApiError.BadRequest(problem).ToResult();
        }

        var grain = grains.GetGrain<IClientGrain>(ClientGrainKey.Of(caller.Tenant, client));
        // Setting the same override twice is setting it once: repeatable.
        return TypedResults.Ok(await resilience.RepeatableAsync(
            (Grain: grain, Override: requested), static s => s.Grain.SetOverrideAsync(s.Override), context.RequestAborted));
    }

    private static async Task<IResult> WithClientAsync(
        string client, HttpContext context, ApiKeyDirectory keys, IGrainFactory grains, Func<IClientGrain, Task<ClientDetail>> action)
    {
        if (Authorize(client, context, keys, out var caller) is { } denied)
        {
            return denied.ToResult();
        }

        // Every action here (read, clear the override, reset) ends in the same state when repeated.
        var resilience = context.RequestServices.GetRequiredService<GrainCallResilience>();
        return TypedResults.Ok(await resilience.RepeatableAsync(
            grains.GetGrain<IClientGrain>(ClientGrainKey.Of(caller.Tenant, client)), action, context.RequestAborted));
    }

    private static ApiError? Authorize(string client, HttpContext context, ApiKeyDirectory keys, out ApiPrincipal caller)
    {
        if (ApiCaller.Resolve(context, keys, ApiKeyRole.Operator, out caller) is { } denied)
        {
            return denied;
        }

        return keys.IsClientOf(caller.Tenant, client)
            ? null
            : new ApiError(StatusCodes.Status404NotFound, "Unknown client", $"Your tenant has no client \"{client}\".");
    }

    public sealed record ClientList(IReadOnlyList<ClientListItem> Clients, int Total);

    /// <summary>A row of the list as docs/API.md shows it (the tenant is implied by the operator's key).</summary>
    public sealed record ClientListItem(
        string Client, double Suspicion, int Level, string LevelName, long Queries, bool Flagged, DateTimeOffset LastSeen)
    {
        public static ClientListItem Of(ClientSummary s) =>
            new(s.Client, s.Suspicion, s.Level, s.LevelName, s.Queries, s.Flagged, s.LastSeen);
    }
}
