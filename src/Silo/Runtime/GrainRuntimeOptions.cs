namespace Mirage.Silo.Runtime;

public sealed class GrainRuntimeOptions
{
    /// <summary>Calls that may wait in one activation's mailbox; one more is refused.</summary>
    public int MailboxCapacity { get; set; } = 1024;

    /// <summary>An activation unused this long is deactivated (its state written) and forgotten.</summary>
    public TimeSpan IdleAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the idle collector looks.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);
}
