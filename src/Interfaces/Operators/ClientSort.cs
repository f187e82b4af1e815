namespace Mirage.Interfaces.Operators;

/// <summary>Orders of the operators' client list.</summary>
public enum ClientSort
{
    /// <summary>Most suspicious first (the default).</summary>
    Suspicion,

    /// <summary>Most queries first.</summary>
    Queries,

    /// <summary>Most recently seen first.</summary>
    LastSeen,

    /// <summary>By name.</summary>
    Client,
}
