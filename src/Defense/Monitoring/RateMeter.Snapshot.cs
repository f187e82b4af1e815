using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Mirage.Defense.Monitoring.Snapshots;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// Snapshot of the meter: the latest bucket and the twelve counts. Time comes from the observations, so a
/// meter restored long after its snapshot simply finds its minute over at the next query.
/// </summary>
public sealed partial class RateMeter
{
    public void WriteTo(IBufferWriter<byte> output)
    {
        var writer = SnapshotWriter.Begin(output, SnapshotKind.RateMeter);
        writer.WriteInt32(Buckets);
        writer.WriteInt64(_latestBucket);
        writer.WriteValues<long>(_counts);
        writer.Finish();
    }

    /// <summary>A meter as <see cref="WriteTo"/> wrote it; false with the reason when the bytes are not one.</summary>
    public static bool TryRestore(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RateMeter? meter, [NotNullWhen(false)] out string? whyNot)
    {
        meter = null;
        if (!SnapshotReader.TryOpen(data, SnapshotKind.RateMeter, out var reader, out whyNot))
        {
            return false;
        }

        var restored = new RateMeter();
        if (reader.Matches(reader.ReadInt32(), Buckets, "rate buckets"))
        {
            restored._latestBucket = reader.ReadInt64();
            reader.ReadValues<long>(restored._counts);
            reader.Check(restored._counts.All(c => c >= 0), "a rate bucket holds a negative count");
        }

        if (!reader.TryEnd(out whyNot))
        {
            return false;
        }

        meter = restored;
        return true;
    }
}
