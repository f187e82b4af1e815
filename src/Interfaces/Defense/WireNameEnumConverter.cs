using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Mirage.Interfaces.Defense;

/// <summary>
/// Lets configuration files spell enum values as the HTTP API does ("reverse_sigmoid", "l1"), so a
/// policy reads the same in a config file and in an operator's request. C# names work too.
/// </summary>
public sealed class WireNameEnumConverter<TEnum> : EnumConverter where TEnum : struct, Enum
{
    private static readonly Dictionary<string, TEnum> ByName = BuildNames();

    public WireNameEnumConverter() : base(typeof(TEnum))
    {
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? ByName.TryGetValue(text.Trim(), out var parsed)
                ? parsed
                : throw new FormatException(
                    $"\"{text}\" is not one of: {string.Join(", ", ByName.Keys.Where(k => k.Contains('_') || k == k.ToLowerInvariant()).Distinct())}.")
            : base.ConvertFrom(context, culture, value);

    private static Dictionary<string, TEnum> BuildNames()
    {
        var names = new Dictionary<string, TEnum>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = (TEnum)field.GetValue(null)!;
            names[field.Name] = value;
            if (field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>() is { } wire)
            {
                names[wire.Name] = value;
            }
        }

        return names;
    }
}
