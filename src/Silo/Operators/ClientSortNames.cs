using Mirage.Interfaces.Operators;

namespace Mirage.Silo.Operators;

/// <summary>The <c>sort</c> query parameter's spellings.</summary>
public static class ClientSortNames
{
    public const string All = "suspicion, queries, lastSeen, client";

    public static bool TryParse(string text, out ClientSort sort)
    {
        sort = text.ToLowerInvariant() switch
        {
            "suspicion" => ClientSort.Suspicion,
            "queries" => ClientSort.Queries,
            "lastseen" => ClientSort.LastSeen,
            "client" => ClientSort.Client,
            _ => (ClientSort)(-1),
        };
        return Enum.IsDefined(sort);
    }
}
