namespace Mirage.Interfaces.Runtime;

/// <summary>
/// The grain has no identity of its own: the runtime keeps a bounded local pool of activations and
/// sends each call to a free one (Orleans' [StatelessWorker]).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Interface)]
public sealed class StatelessWorkerAttribute(int maxLocalWorkers = 0) : Attribute
{
    /// <summary>0 means one per processor.</summary>
    public int MaxLocalWorkers { get; } = maxLocalWorkers;
}

/// <summary>
/// The method may run while another turn of the same activation is queued or running. Use it only
/// for reads of state that is published atomically (Orleans' [AlwaysInterleave]).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;
