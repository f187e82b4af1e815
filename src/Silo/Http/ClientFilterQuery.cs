using Mirage.Defense.Escalation;
using Mirage.Interfaces.Operators;

namespace Mirage.Silo.Http;

/// <summary>
/// The list's <c>level</c> and <c>flagged</c> query parameters: a level is a rung of the tenant's ladder,
/// by number (0 to levels − 1) or by name, case-insensitive; flagged is <c>true</c> or <c>false</c>.
/// </summary>
internal static class ClientFilterQuery
{
    public static bool TryParse(string? level, string? flagged, EscalationLadder ladder, out ClientFilter filter, out ApiError? invalid)
    {
        filter = ClientFilter.None;
        invalid = null;
        int? rung = null;
        if (level is not null)
        {
            rung = RungOf(level, ladder);
            if (rung is null)
            {
                var names = string.Join(", ", ladder.Levels.Select(l => l.Name));
                invalid = ApiError.BadRequest($"level must be a level of your tenant's ladder, 0 to {ladder.Levels.Count - 1} or one of {names}; got \"{level}\".");
                return false;
            }
        }

        bool? isFlagged = null;
        if (flagged is not null)
        {
            if (!bool.TryParse(flagged, out var value))
            {
                invalid = ApiError.BadRequest($"flagged must be true or false; got \"{flagged}\".");
                return false;
            }

            isFlagged = value;
        }

        filter = new ClientFilter(rung, isFlagged);
        return true;
    }

    private static int? RungOf(string text, EscalationLadder ladder)
    {
        if (AdminQuery.TryParseCount(text, 0, out var number))
        {
            return number < ladder.Levels.Count ? number : null;
        }

        for (var i = 0; i < ladder.Levels.Count; i++)
        {
            if (string.Equals(ladder.Levels[i].Name, text, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return null;
    }
}
