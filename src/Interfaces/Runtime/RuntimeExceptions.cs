namespace Mirage.Interfaces.Runtime;

/// <summary>A write found another ETag than the one this activation read: someone else wrote first.</summary>
public sealed class InconsistentStateException(string message) : Exception(message);

/// <summary>The grain's mailbox is full: the call is refused, never queued without limit.</summary>
public sealed class MailboxFullException(string grainType, int capacity)
    : Exception($"The mailbox of this {grainType} is full ({capacity} pending calls).")
{
    public int Capacity { get; } = capacity;
}
