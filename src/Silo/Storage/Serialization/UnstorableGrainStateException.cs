namespace Mirage.Silo.Storage.Serialization;

/// <summary>
/// A grain state that cannot be written as Mirage stores it (a NaN or an infinity in a JSON state, a
/// type the serializer cannot handle). Thrown before any provider touches the store, so the state
/// stored last stays as it was and the grain's next activation reads it.
/// </summary>
public sealed class UnstorableGrainStateException(Type stateType, string reason, Exception inner)
    : Exception($"Grain state {stateType.Name} was not stored, and the state stored before it is kept: {reason}", inner)
{
    public Type StateType { get; } = stateType;
}
