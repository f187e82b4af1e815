using System.Globalization;
using System.Text.Json.Nodes;

namespace Mirage.Client.Operators;

/// <summary>How the operators' tables write the values of docs/API.md's client documents.</summary>
internal static class CellText
{
    public const string Never = "never";

    /// <summary>A time as UTC to the minute (a row then fits 80 columns); a client that never queried has the zero time (year 1): "never".</summary>
    public static string Time(JsonNode? value)
    {
        if (value is null || !DateTimeOffset.TryParse((string?)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            || at.Year <= 1)
        {
            return Never;
        }

        return at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
    }

    public static string Number(JsonNode? value, string format = "0.###")
    {
        if (value is null)
        {
            return "-";
        }

        var text = ((double)value).ToString(format, CultureInfo.InvariantCulture);
        // A tiny negative rounding error (a KL of -1e-9) would print as "-0".
        return text.TrimStart('-').All(c => c is '0' or '.') ? text.TrimStart('-') : text;
    }

    public static string Count(JsonNode? value) =>
        value is null ? "-" : ((long)value).ToString("N0", CultureInfo.InvariantCulture);

    public static string YesNo(JsonNode? value) => value is not null && (bool)value ? "yes" : "no";

    /// <summary>"2 attack": the rung's number and its name on the tenant's ladder.</summary>
    public static string Level(JsonNode row) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int?)row["level"] ?? 0} {(string?)row["levelName"]}").TrimEnd();

    /// <summary>The override's given members ("level 2", "policy top_k (k 1)", "exempt", "block"), or "none".</summary>
    public static string Override(JsonNode? value)
    {
        if (value is not JsonObject given)
        {
            return "none";
        }

        var parts = new List<string>();
        if (given["level"] is { } level)
        {
            parts.Add($"level {(int)level}");
        }

        if (given["policy"] is JsonObject policy)
        {
            var parameters = policy.Where(p => p.Key != "method" && p.Value is not null)
                .Select(p => $"{p.Key} {p.Value!.ToJsonString()}");
            var list = string.Join(", ", parameters);
            parts.Add($"policy {(string?)policy["method"]}" + (list.Length > 0 ? $" ({list})" : ""));
        }

        if (given["exempt"] is { } exempt && (bool)exempt)
        {
            parts.Add("exempt");
        }

        if (given["block"] is { } block && (bool)block)
        {
            parts.Add("block");
        }

        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }
}
