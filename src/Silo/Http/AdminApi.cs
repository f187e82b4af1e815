using System.Text.Json;
using Mirage.Defense.Escalation;
using Mirage.Inference;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Audit;
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
/// tenant. Another tenant's client answers 404, exactly as a client that does not exist. Every change
/// (override, clear, reset) is recorded in the tenant's audit log (<see cref="AuditApi"/>).
/// </summary>
public static class AdminApi
{
    // Duplicate keys are refused rather than letting the last one win silently.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };

    /// <summary>An override is a few dozen bytes; anything past this is not one.</summary>
    private const int MaxOverrideBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin/clients").RequireAuthorization(MiragePolicies.Operator);
        admin.MapGet("", ListAsync);
        admin.MapGet("/{client}", (string client, HttpContext context, ApiKeyDirectory keys, IGrainFactory grains) =>
            WithClientAsync(client, context, keys, grains, grain => grain.GetDetailAsync()));
        admin.MapPut("/{client}/override", PutOverrideAsync);
        admin.MapDelete("/{client}/override", (string client, HttpContext context, ApiKeyDirectory keys) =>
            AuditedAsync(client, context, keys, AuditAction.ClearOverride, static grain => grain.SetOverrideAsync(null)));
        admin.MapPost("/{client}/reset", (string client, HttpContext context, ApiKeyDirectory keys) =>
            AuditedAsync(client, context, keys, AuditAction.Reset, static grain => grain.ResetAsync()));
        return app;
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, ApiKeyDirectory keys, IGrainFactory grains, GrainCallResilience resilience, EscalationLadders ladders,
        string? sort, string? limit, string? offset, string? level, string? flagged)
    {
        var caller = ApiPrincipal.Required(context);
        if (!ClientSortNames.TryParse(sort ?? "suspicion", out var order))
        {
            return ApiError.BadRequest($"sort must be one of {ClientSortNames.All}; got \"{sort}\".").ToResult();
        }

        // Parsed here rather than bound as int?, so "limit=abc" gets this detail instead of the binder's, which names .NET types.
        if (!AdminQuery.TryParseCount(limit, 50, out var pageSize) || !AdminQuery.TryParseCount(offset, 0, out var skip) || pageSize is < 1 or > 1000 || skip < 0)
        {
            return ApiError.BadRequest("limit must be a whole number between 1 and 1000 and offset a whole number of at least 0.").ToResult();
        }

        if (!ClientFilterQuery.TryParse(level, flagged, ladders.For(caller.Tenant), out var filter, out var invalid))
        {
            return invalid!.ToResult();
        }

        var page = await resilience.RepeatableAsync(
            (Grain: grains.GetGrain<ITenantGrain>(caller.Tenant), Order: order, Limit: pageSize, Offset: skip, Filter: filter),
            static s => s.Grain.ListClientsAsync(s.Order, s.Limit, s.Offset, s.Filter), context.RequestAborted);
        return TypedResults.Ok(new ClientList(page.Clients.Select(ClientListItem.Of).ToList(), page.Total));
    }

    private static async Task<IResult> PutOverrideAsync(string client, HttpContext context, ApiKeyDirectory keys, EscalationLadders ladders)
    {
        if (Authorize(client, context, keys, out var caller) is { } denied)
        {
            return denied.ToResult();
        }

        if (ApiError.UnlessJson(context.Request) is { } notJson)
        {
            return notJson.ToResult();
        }

        ClientOverride? requested;
        using (var body = await RequestBody.ReadAsync(context.Request, MaxOverrideBytes, context.RequestAborted))
        {
            if (body.Refusal(context) is { } refusal)
            {
                return refusal;
            }

            if (!TryReadOverride(body.Span, out requested, out var invalid))
            {
                return invalid.ToResult();
            }
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

        return await AuditedAction.RunAsync(context, caller, client, AuditAction.Override, grain => grain.SetOverrideAsync(requested));
    }

    /// <summary>An action that changes the client: recorded in the tenant's audit log (<see cref="AuditedAction"/>).</summary>
    private static async Task<IResult> AuditedAsync(
        string client, HttpContext context, ApiKeyDirectory keys, AuditAction action, Func<IClientGrain, Task<ClientDetail>> act) =>
        Authorize(client, context, keys, out var caller) is { } denied
            ? denied.ToResult()
            : await AuditedAction.RunAsync(context, caller, client, action, act);

    private static async Task<IResult> WithClientAsync(
        string client, HttpContext context, ApiKeyDirectory keys, IGrainFactory grains, Func<IClientGrain, Task<ClientDetail>> action)
    {
        if (Authorize(client, context, keys, out var caller) is { } denied)
        {
            return denied.ToResult();
        }

        // A read: repeatable.
        var resilience = context.RequestServices.GetRequiredService<GrainCallResilience>();
        return TypedResults.Ok(await resilience.RepeatableAsync(
            grains.GetGrain<IClientGrain>(ClientGrainKey.Of(caller.Tenant, client)), action, context.RequestAborted));
    }

    private static ApiError? Authorize(string client, HttpContext context, ApiKeyDirectory keys, out ApiPrincipal caller)
    {
        caller = ApiPrincipal.Required(context);
        return keys.IsClientOf(caller.Tenant, client)
            ? null
            : new ApiError(StatusCodes.Status404NotFound, "Unknown client", $"Your tenant has no client \"{client}\".");
    }

    /// <summary>
    /// Reads an override; a bad one is a 400 that says where (JSON path, line, byte) but never echoes the
    /// serializer's message, which names .NET types.
    /// </summary>
    private static bool TryReadOverride(ReadOnlySpan<byte> json, out ClientOverride? requested, out ApiError invalid)
    {
        invalid = null!;
        try
        {
            requested = JsonSerializer.Deserialize<ClientOverride>(json, Json);
            return true;
        }
        catch (JsonException ex)
        {
            requested = null;
            var where = ex.Path is { Length: > 1 } path ? $"at {path}" : $"at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}";
            invalid = ApiError.BadRequest(
                $"The override is not valid JSON of API.md's shape ({where}): send one of {{\"level\": n}}, {{\"policy\": {{...}}}}, " +
                "{\"exempt\": true}, {\"block\": true}, each key once.");
            return false;
        }
    }

    public sealed record ClientList(IReadOnlyList<ClientListItem> Clients, int Total);

    /// <summary>A row of the list as docs/API.md shows it (the tenant is implied by the operator's key).</summary>
    public sealed record ClientListItem(
        string Client, double Suspicion, int Level, string LevelName, long Queries, bool Flagged, DateTimeOffset LastSeen, DateTimeOffset? FlaggedSince)
    {
        public static ClientListItem Of(ClientSummary s) =>
            new(s.Client, s.Suspicion, s.Level, s.LevelName, s.Queries, s.Flagged, s.LastSeen, s.FlaggedSince);
    }
}
