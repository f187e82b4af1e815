using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Mirage.Interfaces.Defense;

/// <summary>
/// What a key's answers become once it has used its quota (docs/API.md, "Quota"). Configured per tenant
/// (src/Defense/Escalation/UsageQuota.cs); here because the operators' detail shows it.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<PastQuota>))]
[TypeConverter(typeof(WireNameEnumConverter<PastQuota>))]
public enum PastQuota
{
    /// <summary>Refused as a blocked client is: 403 with the neutral detail.</summary>
    [JsonStringEnumMemberName("block")] Block,

    /// <summary>The true label only (one-hot probabilities).</summary>
    [JsonStringEnumMemberName("label_only")] LabelOnly,

    /// <summary>The policy of the ladder's highest label-changing level (the default ladder's "attack").</summary>
    [JsonStringEnumMemberName("poison")] Poison,
}
