namespace Mirage.Silo.Security;

/// <summary>
/// The authorization policies of the route groups, one per key role: a key of another role is 403,
/// no key or an unknown one 401. Each policy's name is its role's name.
/// </summary>
public static class MiragePolicies
{
    /// <summary>Predicts (the client endpoints).</summary>
    public const string Client = "Client";

    /// <summary>Reads and steers its own tenant's clients (the operator endpoints).</summary>
    public const string Operator = "Operator";

    /// <summary>The platform: metrics, Orleans' dashboard.</summary>
    public const string Admin = "Admin";
}
