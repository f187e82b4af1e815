using System.Globalization;

namespace Mirage.Silo.Http;

/// <summary>The operators' query parameters, parsed by hand so a bad one gets a detail naming it, never the binder's .NET types.</summary>
internal static class AdminQuery
{
    /// <summary>A whole number of at least 0 (no sign, no spaces), or <paramref name="absent"/> when not given.</summary>
    public static bool TryParseCount(string? text, int absent, out int value)
    {
        value = absent;
        return text is null || int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
