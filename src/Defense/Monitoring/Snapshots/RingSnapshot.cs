namespace Mirage.Defense.Monitoring.Snapshots;

/// <summary>
/// The newest entries of a ring that fills from slot 0 and, once full, replaces its oldest: written oldest
/// first (at most two runs of slots), read back into the same slots, found from the slot the next entry
/// goes to. A full snapshot writes every entry held; changes only those added since their base, which
/// then land over exactly the slots the uninterrupted ring overwrote.
/// </summary>
internal static class RingSnapshot
{
    /// <summary>Entries to write of a ring holding <paramref name="count"/> after <paramref name="added"/> in all; -1 when the base is ahead of it.</summary>
    public static int NewestSince(int count, long added, long? addedAtBase) => addedAtBase switch
    {
        null => count,
        { } atBase when atBase <= added => (int)Math.Min(count, added - atBase),
        _ => -1,
    };

    /// <param name="ring">The ring's storage: <paramref name="capacity"/> slots of <paramref name="width"/> values (or the first ones, before it is full).</param>
    public static void WriteNewest<T>(SnapshotWriter writer, ReadOnlySpan<T> ring, int width, int capacity, int next, int newest) where T : unmanaged
    {
        writer.WriteInt32(newest);
        var (start, first) = Runs(capacity, next, newest);
        writer.WriteValues(ring.Slice(start * width, first * width));
        writer.WriteValues(ring[..((newest - first) * width)]);
    }

    /// <summary>Reads what <see cref="WriteNewest{T}"/> wrote, refusing a count other than <paramref name="expected"/> (what the ring's counters call for).</summary>
    public static bool ReadNewest<T>(ref SnapshotReader reader, Span<T> ring, int width, int capacity, int next, int expected, string what) where T : unmanaged
    {
        var newest = reader.ReadInt32();
        if (!reader.Check(expected >= 0 && newest == expected, $"{what} lists {newest} new entries where its counters call for {expected}"))
        {
            return false;
        }

        var (start, first) = Runs(capacity, next, newest);
        reader.ReadValues(ring.Slice(start * width, first * width));
        reader.ReadValues(ring[..((newest - first) * width)]);
        return !reader.Failed;
    }

    /// <summary>The newest entries' slots: <c>First</c> of them from <c>Start</c> on, the rest from slot 0.</summary>
    private static (int Start, int First) Runs(int capacity, int next, int newest)
    {
        var start = ((next - newest) % capacity + capacity) % capacity;
        return (start, Math.Min(newest, capacity - start));
    }
}
