namespace Mirage.Silo.Configuration;

/// <summary>The "Cluster" section: Orleans' clustering and the ports a silo listens on.</summary>
public sealed class ClusterOptions
{
    /// <summary>"localhost": one silo on its own, the embedded default.</summary>
    public string Provider { get; set; } = "localhost";

    public string ClusterId { get; set; } = "mirage";

    public string ServiceId { get; set; } = "mirage";

    /// <summary>Silo-to-silo port; 0 picks a free one (tests run several silos in one process).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for Orleans clients (the `mirage cluster` command); 0 picks a free one.</summary>
    public int GatewayPort { get; set; } = 30000;
}
