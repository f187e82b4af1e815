using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Mirage.Defense.Monitoring.Snapshots;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// A client's monitor as compact bytes, so that what it has learned survives the grain's deactivation and
/// a silo's restart. The header names the feature space (input length, dimensions, the projection's
/// fingerprint) and the classes; every part then checks the sizes it was built with. A snapshot that
/// does not fit the current configuration is refused with the reason, and the caller starts afresh.
/// Layout, version <see cref="SnapshotFormat.Version"/>: the envelope, input length, dimensions,
/// fingerprint, classes, queries, then PRADA, the low-confidence window and the class window.
/// </summary>
public sealed partial class ClientMonitor
{
    public void WriteTo(IBufferWriter<byte> output)
    {
        var writer = SnapshotWriter.Begin(output, SnapshotKind.ClientMonitor);
        writer.WriteInt32(_projection.InputLength);
        writer.WriteInt32(_projection.Dimensions);
        writer.WriteUInt64(_projection.Fingerprint);
        writer.WriteInt32(_classes.Categories);
        writer.WriteInt64(Queries);
        _prada.WriteTo(writer);
        _lowConfidence.WriteTo(writer);
        _classes.WriteTo(writer);
        writer.Finish();
    }

    /// <summary>
    /// The monitor <see cref="WriteTo"/> wrote, in the given (current) configuration. False, with the reason
    /// and no monitor, when the bytes are truncated, corrupt, of another format version, or were taken in
    /// another feature space or with other sizes.
    /// </summary>
    public static bool TryRestore(ReadOnlySpan<byte> data, FeatureProjection projection, int classes, SuspicionOptions options,
        [NotNullWhen(true)] out ClientMonitor? monitor, [NotNullWhen(false)] out string? whyNot)
    {
        monitor = null;
        if (!SnapshotReader.TryOpen(data, SnapshotKind.ClientMonitor, out var reader, out whyNot))
        {
            return false;
        }

        // Read into a fresh monitor that only escapes once every part has been accepted.
        var restored = new ClientMonitor(projection, classes, options);
        restored.ReadFrom(ref reader);
        if (!reader.TryEnd(out whyNot))
        {
            return false;
        }

        monitor = restored;
        return true;
    }

    private bool ReadFrom(ref SnapshotReader reader)
    {
        var inputLength = reader.ReadInt32();
        var dimensions = reader.ReadInt32();
        var fingerprint = reader.ReadUInt64();
        var classes = reader.ReadInt32();
        if (!reader.Matches(inputLength, _projection.InputLength, "input values") || !reader.Matches(dimensions, _projection.Dimensions, "feature dimensions")
            || !reader.Check(fingerprint == _projection.Fingerprint, "the snapshot was taken in another feature space (the projection's matrix differs)")
            || !reader.Matches(classes, _classes.Categories, "classes"))
        {
            return false;
        }

        Queries = reader.ReadInt64();
        return reader.Check(Queries >= 0, $"the monitor has seen {Queries} queries")
            && _prada.ReadFrom(ref reader) && _lowConfidence.ReadFrom(ref reader) && _classes.ReadFrom(ref reader);
    }
}
