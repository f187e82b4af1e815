namespace Mirage.Silo.Configuration;

/// <summary>The "Grains" section: how many observations a client may have in flight, and idle collection.</summary>
public sealed class GrainOptions
{
    /// <summary>
    /// Observations sent to one client's grain and not yet learned from; one more refuses the request
    /// (429), so a flood is turned away rather than queued without limit or answered unobserved.
    /// </summary>
    public int MailboxCapacity { get; set; } = 1024;

    /// <summary>A grain unused this long is deactivated (its state written) and collected (Orleans' CollectionAge).</summary>
    public TimeSpan IdleAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the collector looks (Orleans' CollectionQuantum).</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);
}
