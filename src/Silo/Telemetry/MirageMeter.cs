using System.Diagnostics.Metrics;

namespace Mirage.Silo.Telemetry;

/// <summary>
/// Mirage's one <see cref="System.Diagnostics.Metrics.Meter"/>, made by the host's meter factory so it
/// belongs to this host (and is disposed with it). Every Mirage instrument lives on it.
/// </summary>
public sealed class MirageMeter(IMeterFactory factory)
{
    public const string Name = "Mirage";

    public Meter Meter { get; } = factory.Create(Name);
}
