namespace Mirage.Interfaces.Operators;

/// <summary>
/// Which clients the operators' list keeps (GET /v1/admin/clients?level=&amp;flagged=): applied by the
/// tenant grain before sorting, so a page of a filtered list costs no more than a page of the whole one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClientFilter(int? Level = null, bool? Flagged = null)
{
    public static readonly ClientFilter None = new();

    public bool Keeps(ClientSummary client) =>
        (Level is not { } level || client.Level == level) && (Flagged is not { } flagged || client.Flagged == flagged);
}
