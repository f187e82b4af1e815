using Mirage.Defense.Escalation;
using Mirage.Interfaces.Tenants;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

/// <summary>
/// GET /v1/admin/tenant (docs/API.md): the operator's own tenant at a glance, from its tenant grain:
/// clients per level of the tenant's ladder, inputs per minute over the last hour, the last hour's
/// flags and the split-attack alerts with the keys involved.
/// </summary>
public static class TenantApi
{
    public static IEndpointRouteBuilder MapTenantApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/tenant", OverviewAsync).RequireAuthorization(MiragePolicies.Operator);
        return app;
    }

    private static async Task<IResult> OverviewAsync(
        HttpContext context, IGrainFactory grains, GrainCallResilience resilience, EscalationLadders ladders)
    {
        var caller = ApiPrincipal.Required(context);
        var overview = await resilience.RepeatableAsync(
            grains.GetGrain<ITenantGrain>(caller.Tenant), static grain => grain.GetOverviewAsync(), context.RequestAborted);
        var ladder = ladders.For(caller.Tenant);
        string NameOf(int level) => level < ladder.Levels.Count ? ladder.Levels[level].Name : $"level {level}";

        // Every rung is listed, those without clients as 0, so the page draws the same bars every time.
        var levels = Enumerable.Range(0, ladder.Levels.Count)
            .Select(level => new LevelRow(level, NameOf(level), overview.Levels.FirstOrDefault(l => l.Level == level)?.Clients ?? 0))
            .ToList();
        return TypedResults.Ok(new TenantAnswer(
            caller.Tenant,
            overview.Clients,
            levels,
            overview.QueriesPerMinute,
            overview.FlagsLastHour,
            overview.RecentFlags.Select(f => new FlagRow(f.At, f.Client, f.Level, NameOf(f.Level))).ToList(),
            overview.SplitAttacks));
    }

    public sealed record TenantAnswer(
        string Tenant, int Clients, IReadOnlyList<LevelRow> Levels, IReadOnlyList<MinuteQueries> QueriesPerMinute,
        int FlagsLastHour, IReadOnlyList<FlagRow> RecentFlags, IReadOnlyList<SplitAttackAlert> SplitAttacks);

    public sealed record LevelRow(int Level, string LevelName, int Clients);

    public sealed record FlagRow(DateTimeOffset At, string Client, int Level, string LevelName);
}
