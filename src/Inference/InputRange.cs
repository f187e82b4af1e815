using System.Globalization;

namespace Mirage.Inference;

/// <summary>The values a model's inputs may hold in its own scaling (the manifest's "inputRange").</summary>
public readonly record struct InputRange(double Lowest, double Highest)
{
    public bool Contains(float value) => value >= Lowest && value <= Highest;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Lowest}, {Highest}]");

    /// <summary>The range of a manifest's validated two-number array, or null when it declares none.</summary>
    public static InputRange? Of(double[]? range) => range is [var lowest, var highest] ? new InputRange(lowest, highest) : null;
}
