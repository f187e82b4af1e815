using System.Text.Json.Serialization;

namespace Mirage.Interfaces.Audit;

/// <summary>
/// What an operator did to a client (docs/API.md, audit log). Which kind of override it was (block,
/// exempt, level, policy) is told by the override recorded after it, not by another action name.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuditAction>))]
public enum AuditAction
{
    [JsonStringEnumMemberName("override")] Override,
    [JsonStringEnumMemberName("clear_override")] ClearOverride,
    [JsonStringEnumMemberName("reset")] Reset,
}
