namespace Mirage.Silo.Configuration;

/// <summary>The "Cluster" section: Orleans' clustering and the ports a silo listens on.</summary>
public sealed class ClusterOptions
{
    /// <summary>
    /// "localhost": one silo on its own, the embedded default. "azure": silos find each other in an Azure
    /// Storage table (membership) and keep grain state in its blobs (Azurite locally, a storage account in
    /// production); <see cref="AzureStorage"/> or the environment variable MIRAGE_AZURE_STORAGE gives the
    /// connection string.
    /// </summary>
    public string Provider { get; set; } = "localhost";

    /// <summary>The Azure Storage connection string for Provider "azure". Never logged.</summary>
    public string? AzureStorage { get; set; }

    /// <summary>The address other silos reach this one at (Provider "azure"); default loopback.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>How fast a dead silo is declared dead (Provider "azure"; docs/DESIGN.md).</summary>
    public MembershipTuning Membership { get; set; } = new();

    public string ClusterId { get; set; } = "mirage";

    public string ServiceId { get; set; } = "mirage";

    /// <summary>Silo-to-silo port; 0 picks a free one (tests run several silos in one process).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for Orleans clients (the `mirage cluster` command); 0 picks a free one.</summary>
    public int GatewayPort { get; set; } = 30000;
}

/// <summary>
/// Orleans' membership options as Mirage sets them: two votes, so one silo alone cannot evict a healthy
/// peer, and short probes, so a killed silo is evicted in ~3.5 s instead of Orleans' default ~13 s
/// (measured here; docs/PERFORMANCE.md).
/// </summary>
public sealed class MembershipTuning
{
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public int NumMissedProbesLimit { get; set; } = 2;

    public int NumVotesForDeathDeclaration { get; set; } = 2;

    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
