using Mirage.Interfaces.Audit;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Operators;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

/// <summary>
/// Runs an operator's action on a client and records it in the tenant's audit log (docs/API.md).
/// The rule when the record cannot be written: the action has happened, so the answer is 503 saying
/// the change was made but not recorded, and the whole entry is logged as an error; repeating the
/// request changes nothing more and records it. An action is never answered 200 unrecorded.
/// </summary>
internal static class AuditedAction
{
    public static async Task<IResult> RunAsync(
        HttpContext context, ApiPrincipal caller, string client, AuditAction action, Func<IClientGrain, Task<ClientDetail>> act)
    {
        var services = context.RequestServices;
        var resilience = services.GetRequiredService<GrainCallResilience>();
        var grains = services.GetRequiredService<IGrainFactory>();
        var grain = grains.GetGrain<IClientGrain>(ClientGrainKey.Of(caller.Tenant, client));
        // Read just before the action, in a turn of its own: another operator acting on the same client
        // at the same instant may come between them, and then each entry's before shows the other's after.
        var before = await resilience.RepeatableAsync(grain, static g => g.GetDetailAsync(), context.RequestAborted);
        // Every action here (set the same override, clear it, reset) ends in the same state when repeated.
        var after = await resilience.RepeatableAsync(grain, act, context.RequestAborted);
        var entry = new AuditEntry
        {
            Actor = caller.Name,
            Role = caller.Role.ToString().ToLowerInvariant(),
            Action = action,
            Client = client,
            Before = AuditedClientState.Of(before),
            After = AuditedClientState.Of(after),
        };

        try
        {
            // Not the caller's token: an action that happened is recorded even if the caller has hung up.
            // Once: an append is not repeatable, so it is retried only when it never reached the grain.
            await resilience.OnceAsync(
                (Grain: grains.GetGrain<IAuditGrain>(caller.Tenant), Entry: entry), static s => s.Grain.AppendAsync(s.Entry), CancellationToken.None);
        }
        catch (Exception ex)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditedAction)).LogError(ex,
                "Audit log of tenant {Tenant}: {Action} of client {Client} by {Actor} ({Role}) took effect but was not recorded; before {Before}, after {After}",
                caller.Tenant, action, client, entry.Actor, entry.Role, entry.Before, entry.After);
            return new ApiError(StatusCodes.Status503ServiceUnavailable, "Not recorded",
                "The change was made but could not be recorded in the audit log. Repeat the request: it changes nothing more and records the change.").ToResult();
        }

        return TypedResults.Ok(after);
    }
}
