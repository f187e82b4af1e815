using System.Text;

namespace Mirage.Client.Cluster;

/// <summary>A <see cref="ClusterReport"/> for people: silos, activations by type and silo, the grains asked about.</summary>
internal static class ClusterReportText
{
    public static string Format(ClusterReport report)
    {
        var text = new StringBuilder();
        text.AppendLine($"silos ({report.Silos.Count(s => s.Status == "Active")} active of {report.Silos.Count} in the membership table):");
        foreach (var silo in report.Silos)
        {
            var state = silo.Status != "Active" ? "" : silo.Reachable ? $", answering ({silo.SystemActivations} Orleans system activations)"
                : $", NOT ANSWERING ({silo.Error})";
            text.AppendLine($"  {silo.Silo}  {silo.Status}{state}");
        }

        var types = report.Silos.SelectMany(s => s.Activations.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        text.AppendLine("activations by grain type and silo:");
        foreach (var type in types)
        {
            var counts = report.Silos.Where(s => s.Reachable).Select(s => $"{s.Silo} {s.Activations.GetValueOrDefault(type)}");
            text.AppendLine($"  {type}: {report.Silos.Sum(s => s.Activations.GetValueOrDefault(type))} ({string.Join(", ", counts)})");
        }

        foreach (var grain in report.Grains)
        {
            var on = grain.Silos.Count == 0 ? "" : $" on {string.Join(", ", grain.Silos)}";
            text.AppendLine($"{grain.Grain}: {grain.Activations} activation{(grain.Activations == 1 ? "" : "s")}{on}");
        }

        if (!report.Complete)
        {
            text.AppendLine("(incomplete: an active silo did not answer, so counts may miss its activations)");
        }

        return text.ToString().TrimEnd();
    }
}
