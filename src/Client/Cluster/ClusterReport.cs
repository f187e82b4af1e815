namespace Mirage.Client.Cluster;

/// <summary>One sample of the cluster: its silos, what each hosts, and the activations of the grains asked about.</summary>
internal sealed record ClusterReport(DateTimeOffset At, IReadOnlyList<SiloReport> Silos, IReadOnlyList<GrainReport> Grains)
{
    /// <summary>Whether every silo the membership calls active answered: otherwise a grain's count may miss one.</summary>
    public bool Complete => Silos.All(s => s.Reachable || s.Status != "Active");
}

/// <param name="SystemActivations">Orleans' own activations on this silo (system targets, directory, management).</param>
/// <param name="Activations">The application's activations on this silo by grain type (the class's short name).</param>
internal sealed record SiloReport(
    string Silo, string Status, bool Reachable, string? Error, int SystemActivations, IReadOnlyDictionary<string, int> Activations);

/// <summary>A client ("client demo/demo-client-1") or tenant ("tenant demo") grain and the silos its activations are on.</summary>
internal sealed record GrainReport(string Grain, int Activations, IReadOnlyList<string> Silos);
