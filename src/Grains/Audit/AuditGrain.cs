using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mirage.Grains.Storage;
using Mirage.Interfaces.Audit;
using Orleans.Runtime;

namespace Mirage.Grains.Audit;

/// <summary>
/// One tenant's audit log. Operator actions are rare (a few a day, not a few a second), so every
/// append writes the whole bounded log before it answers: an action the caller was told is recorded
/// is in storage.
/// </summary>
public sealed class AuditGrain(
    [PersistentState("audit", MirageStorage.Name)] IPersistentState<AuditLog> state,
    TimeProvider time,
    ILogger<AuditGrain> logger) : Grain, IAuditGrain
{
    private int _kept = AuditLimits.KeptEntries;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Optional, so a host that is content with the default bound registers nothing.
        _kept = (ServiceProvider.GetService<AuditOptions>() ?? AuditOptions.Default).KeptEntries;
        return Task.CompletedTask;
    }

    public async Task<AuditEntry> AppendAsync(AuditEntry entry)
    {
        var log = state.State;
        // Stamped here, so sequence and time grow together whichever silo sent the entry.
        var recorded = entry with { Sequence = log.LastSequence + 1, At = time.GetUtcNow() };
        log.Entries.Add(recorded);
        log.LastSequence = recorded.Sequence;
        var dropped = log.Entries.Count > _kept ? log.Entries.GetRange(0, log.Entries.Count - _kept) : null;
        if (dropped is not null)
        {
            log.Entries.RemoveRange(0, dropped.Count);
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Memory must not claim what storage does not hold: undo the append, and let the next call
            // reload (another activation may have written first).
            log.Entries.RemoveAt(log.Entries.Count - 1);
            log.Entries.InsertRange(0, dropped ?? []);
            log.LastSequence = recorded.Sequence - 1;
            logger.LogError(ex, "Audit log of tenant {Tenant}: entry {Sequence} ({Action} of {Client} by {Actor}) could not be written",
                this.GetPrimaryKeyString(), recorded.Sequence, recorded.Action, recorded.Client, recorded.Actor);
            DeactivateOnIdle();
            throw;
        }

        return recorded;
    }

    public Task<AuditPage> ReadAsync(string? client, int limit, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, AuditLimits.MaxPage);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var entries = state.State.Entries;
        var page = new List<AuditEntry>(Math.Min(limit, entries.Count));
        var matched = 0;
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var entry = entries[i];
            if (client is not null && !string.Equals(entry.Client, client, StringComparison.Ordinal))
            {
                continue;
            }

            if (matched >= offset && page.Count < limit)
            {
                page.Add(entry);
            }

            matched++;
        }

        return Task.FromResult(new AuditPage(page, matched));
    }
}
