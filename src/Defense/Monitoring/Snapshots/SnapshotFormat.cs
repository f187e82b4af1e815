namespace Mirage.Defense.Monitoring.Snapshots;

/// <summary>What a snapshot holds; the envelope names it so one kind's bytes are never read as another's.</summary>
internal enum SnapshotKind : byte
{
    ClientMonitor = 1,
    RateMeter = 2,
    ClientMonitorChanges = 3,
}

/// <summary>
/// The envelope every snapshot shares: 4 magic bytes, the kind, the format version, the body
/// (little-endian fields and raw float/double arrays), then an XxHash3 of everything before it.
/// The hash is what turns a truncated or bit-flipped blob into a refusal instead of a detector that
/// silently learned from garbage points.
/// </summary>
internal static class SnapshotFormat
{
    /// <summary>
    /// Raised whenever the body's layout changes: an old snapshot is then refused, and its client starts fresh.
    /// 2: the client monitor no longer holds a class window (its class counts moved to the client's record).
    /// </summary>
    public const byte Version = 2;

    public const int HeaderBytes = 6;

    public const int TrailerBytes = sizeof(ulong);

    public static ReadOnlySpan<byte> Magic => "MRGS"u8;
}
