namespace Mirage.Interfaces.Runtime;

/// <summary>
/// The method may run while another turn of the same activation is queued or running. Use it only
/// for reads of state that is published atomically (Orleans' [AlwaysInterleave]).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;
