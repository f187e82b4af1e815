using Mirage.Grains.Clients;
using Mirage.Inference;
using Mirage.Defense.Escalation;
using Mirage.Defense.Monitoring;
using Mirage.Interfaces.Defense;

namespace Mirage.Silo.Configuration;

/// <summary>The "Mirage" section of the configuration file (config/demo.json shows every field).</summary>
public sealed class MirageOptions
{
    public const string Section = "Mirage";

    /// <summary>Folder of model manifests (models/NAME.json); relative paths are relative to the config file.</summary>
    public string ModelsDirectory { get; set; } = "models";

    /// <summary>Inputs per predict request at most; more is 413.</summary>
    public int MaxInputsPerRequest { get; set; } = 256;

    public InferenceOptions Inference { get; set; } = new();

    public GrainOptions Grains { get; set; } = new();

    /// <summary>How silos find each other: one silo on its own (the default) or a cluster.</summary>
    public ClusterOptions Cluster { get; set; } = new();

    /// <summary>How signals become suspicion (docs/DETECTION.md).</summary>
    public SuspicionOptions Detection { get; set; } = new();

    /// <summary>How a tenant watches its young keys together (docs/DETECTION.md).</summary>
    public TenantWatchOptions TenantWatch { get; set; } = new();

    public List<TenantOptions> Tenants { get; set; } = [];

    public StorageOptions Storage { get; set; } = new();

    /// <summary>How often client grains write their records.</summary>
    public ClientPersistenceOptions Persistence { get; set; } = new();
}

/// <summary>
/// Where grain state lives: one SQLite file (the embedded default) or the blobs of the
/// cluster's Azure Storage account (Provider "azure", with Mirage:Cluster:AzureStorage).
/// </summary>
public sealed class StorageOptions
{
    /// <summary>"sqlite" or "azure".</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The SQLite file; relative paths are relative to the config file.</summary>
    public string SqlitePath { get; set; } = "../data/mirage.db";
}

public sealed class TenantOptions
{
    public string Name { get; set; } = "";

    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>The tenant's own ladder; none: the adaptive default (EscalationLadder.Default).</summary>
    public EscalationOptions? Escalation { get; set; }

    /// <summary>
    /// Queries per UTC day and/or month each of the tenant's client keys may make, and what its answers
    /// become past either ("block", "label_only" or "poison"); none: no quota (docs/API.md, "Quota").
    /// </summary>
    public UsageQuota? Quota { get; set; }
}

public sealed class EscalationOptions
{
    public List<EscalationLevel> Levels { get; set; } = [];

    /// <summary>How long a client's suspicion must stay below its level before it comes down.</summary>
    public TimeSpan CalmPeriod { get; set; } = TimeSpan.FromMinutes(10);
}

public enum ApiKeyRole
{
    Client,
    Operator,

    /// <summary>A platform operator (all tenants): metrics, Orleans' dashboard. Configured under Mirage:Security:Admins.</summary>
    Admin,
}

/// <summary>
/// One API key: either the key itself (<see cref="Key"/>, hashed at start-up and never kept) or its
/// SHA-256 as hex (<see cref="Sha256"/>), so configuration files need not hold secrets.
/// </summary>
public sealed class ApiKeyOptions
{
    public string? Key { get; set; }

    public string? Sha256 { get; set; }

    public ApiKeyRole Role { get; set; } = ApiKeyRole.Client;

    /// <summary>The client's name that operators see; required for client keys given as a hash.</summary>
    public string? Client { get; set; }
}
