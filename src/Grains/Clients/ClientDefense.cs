using Mirage.Defense.Escalation;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;

namespace Mirage.Grains.Clients;

/// <summary>The decision a client grain publishes: its level on the ladder, the operator's override over it, the tenant's quota.</summary>
internal static class ClientDefense
{
    public static DefenseDecision Decide(ClientRecord record, EscalationLadder ladder, UsageQuota? quota)
    {
        var level = Math.Min(record.Escalation.Level, ladder.Levels.Count - 1);
        var rung = ladder.Levels[level];
        var defense = record.Override switch
        {
            { Block: true } => new DefenseDecision(level, rung.Name, PerturbationPolicy.Block),
            { Exempt: true } => new DefenseDecision(level, rung.Name, PerturbationPolicy.None),
            { Policy: { } policy } => new DefenseDecision(level, rung.Name, policy),
            { Level: { } pinned } when pinned < ladder.Levels.Count =>
                new DefenseDecision(pinned, ladder.Levels[pinned].Name, ladder.Levels[pinned].Policy),
            _ => new DefenseDecision(level, rung.Name, rung.Policy),
        };

        // The tenant's quota applies on the ladder's decisions; an operator's override is a decision about
        // this client and beats it. The moment it ends goes along, for the request path's clock.
        return record.Override is null && quota is not null && record.Usage.ExhaustedUntil(quota) is { } until
            ? defense with { PastQuota = quota.PolicyPast(ladder, defense.Policy), QuotaUntil = until }
            : defense;
    }
}
