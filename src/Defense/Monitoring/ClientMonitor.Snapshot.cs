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
/// fingerprint, classes, queries, then PRADA and the low-confidence window (the class counts live in the
/// client's record, <see cref="QueryHorizons"/>).
/// Changes (<see cref="WriteChangesTo"/>) have the same layout after their base's checksum, with only
/// the growing-set points and window distances added since the base: those are most of a snapshot's bytes.
/// </summary>
public sealed partial class ClientMonitor
{
    /// <summary>The full snapshot last written or restored: what changes are written against.</summary>
    private SnapshotBase? _base;

    /// <summary>Writes the whole monitor; it becomes the base that <see cref="WriteChangesTo"/> writes against.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        var writer = SnapshotWriter.Begin(output, SnapshotKind.ClientMonitor);
        WriteBody(writer, default);
        _base = new SnapshotBase(writer.Finish(), _prada.Marks());
    }

    /// <summary>
    /// Writes what is needed, with the base (the full snapshot last written or restored), to restore the
    /// monitor as it is now: every part in full except the growing sets and distance windows, of which
    /// only the entries added since the base. False, writing nothing, when there is no base yet. Changes are cumulative: keep the
    /// latest beside its base, and write a new full snapshot when they grow near the base's size (or when
    /// the base could not be stored: changes against a base that is not kept are refused at restore).
    /// </summary>
    public bool WriteChangesTo(IBufferWriter<byte> output)
    {
        if (_base is null)
        {
            return false;
        }

        var writer = SnapshotWriter.Begin(output, SnapshotKind.ClientMonitorChanges);
        writer.WriteUInt64(_base.Checksum);
        WriteBody(writer, _base.Marks);
        writer.Finish();
        return true;
    }

    /// <summary>
    /// The monitor <see cref="WriteTo"/> wrote, in the given (current) configuration. False, with the reason
    /// and no monitor, when the bytes are truncated, corrupt, of another format version, or were taken in
    /// another feature space or with other sizes.
    /// </summary>
    public static bool TryRestore(ReadOnlySpan<byte> snapshot, FeatureProjection projection, int classes, SuspicionOptions options,
        [NotNullWhen(true)] out ClientMonitor? monitor, [NotNullWhen(false)] out string? whyNot) =>
        TryRestore(snapshot, default, projection, classes, options, out monitor, out whyNot);

    /// <summary>As the other overload, then applies <paramref name="changes"/> (from <see cref="WriteChangesTo"/>, against that snapshot; empty: none).</summary>
    public static bool TryRestore(ReadOnlySpan<byte> snapshot, ReadOnlySpan<byte> changes, FeatureProjection projection, int classes, SuspicionOptions options,
        [NotNullWhen(true)] out ClientMonitor? monitor, [NotNullWhen(false)] out string? whyNot)
    {
        monitor = null;
        if (!SnapshotReader.TryOpen(snapshot, SnapshotKind.ClientMonitor, out var reader, out whyNot))
        {
            return false;
        }

        // Read into a fresh monitor that only escapes once every part has been accepted.
        var restored = new ClientMonitor(projection, classes, options);
        restored.ReadBody(ref reader, default);
        if (!reader.TryEnd(out whyNot))
        {
            return false;
        }

        restored._base = new SnapshotBase(SnapshotReader.ChecksumOf(snapshot), restored._prada.Marks());
        if (!changes.IsEmpty && !restored.TryApply(changes, out whyNot))
        {
            whyNot = $"the changes: {whyNot}";
            return false;
        }

        monitor = restored;
        return true;
    }

    private bool TryApply(ReadOnlySpan<byte> changes, [NotNullWhen(false)] out string? whyNot)
    {
        if (!SnapshotReader.TryOpen(changes, SnapshotKind.ClientMonitorChanges, out var reader, out whyNot))
        {
            return false;
        }

        if (reader.Check(reader.ReadUInt64() == _base!.Checksum, "they were written against another snapshot than the one given"))
        {
            ReadBody(ref reader, _base.Marks);
        }

        return reader.TryEnd(out whyNot);
    }

    private void WriteBody(SnapshotWriter writer, ReadOnlySpan<PradaDetector.TrackMark> @base)
    {
        writer.WriteInt32(_projection.InputLength);
        writer.WriteInt32(_projection.Dimensions);
        writer.WriteUInt64(_projection.Fingerprint);
        writer.WriteInt32(_classes);
        writer.WriteInt64(Queries);
        _prada.WriteTo(writer, @base);
        _lowConfidence.WriteTo(writer);
    }

    private bool ReadBody(ref SnapshotReader reader, ReadOnlySpan<PradaDetector.TrackMark> @base)
    {
        var inputLength = reader.ReadInt32();
        var dimensions = reader.ReadInt32();
        var fingerprint = reader.ReadUInt64();
        var classes = reader.ReadInt32();
        if (!reader.Matches(inputLength, _projection.InputLength, "input values") || !reader.Matches(dimensions, _projection.Dimensions, "feature dimensions")
            || !reader.Check(fingerprint == _projection.Fingerprint, "the snapshot was taken in another feature space (the projection's matrix differs)")
            || !reader.Matches(classes, _classes, "classes"))
        {
            return false;
        }

        Queries = reader.ReadInt64();
        return reader.Check(Queries >= 0, $"the monitor has seen {Queries} queries")
            && _prada.ReadFrom(ref reader, @base) && _lowConfidence.ReadFrom(ref reader);
    }

    /// <summary>A full snapshot's checksum and how far each class's rings had come when it was taken.</summary>
    private sealed record SnapshotBase(ulong Checksum, PradaDetector.TrackMark[] Marks);
}
