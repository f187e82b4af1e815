using System.Buffers;
using Mirage.Defense.Monitoring.Snapshots;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// Snapshot of the window: its sizes, the running total and the observations held. The ring fills from
/// slot 0 and a slot is read only once written, so slots [0, Count) are all there is; the per-category
/// counts are rebuilt from them rather than stored, so they cannot disagree with the ring.
/// </summary>
public sealed partial class SlidingCounts
{
    /// <summary>Categories up to this many are written one byte an observation (classes, and 0/1 flags).</summary>
    private const int ByteCategories = 256;

    internal void WriteTo(SnapshotWriter writer)
    {
        writer.WriteInt32(Window);
        writer.WriteInt32(Categories);
        writer.WriteInt64(_total);
        var held = _ring.AsSpan(0, Count);
        if (Categories > ByteCategories)
        {
            writer.WriteValues<int>(held);
            return;
        }

        var narrow = ArrayPool<byte>.Shared.Rent(held.Length);
        for (var i = 0; i < held.Length; i++)
        {
            narrow[i] = (byte)held[i];
        }

        writer.WriteValues<byte>(narrow.AsSpan(0, held.Length));
        ArrayPool<byte>.Shared.Return(narrow);
    }

    /// <summary>Reads a snapshot into this window, replacing what it held; false (with the reader's reason) when it does not fit.</summary>
    internal bool ReadFrom(ref SnapshotReader reader)
    {
        var window = reader.ReadInt32();
        var categories = reader.ReadInt32();
        var total = reader.ReadInt64();
        if (!reader.Matches(window, Window, "observations in a window") || !reader.Matches(categories, Categories, "categories in a window")
            || !reader.Check(total >= 0, $"a window has seen {total} observations"))
        {
            return false;
        }

        var held = _ring.AsSpan(0, (int)Math.Min(total, Window));
        if (Categories > ByteCategories)
        {
            reader.ReadValues(held);
        }
        else
        {
            var narrow = ArrayPool<byte>.Shared.Rent(held.Length);
            reader.ReadValues(narrow.AsSpan(0, held.Length));
            for (var i = 0; i < held.Length; i++)
            {
                held[i] = narrow[i];
            }

            ArrayPool<byte>.Shared.Return(narrow);
        }

        Array.Clear(_counts);
        foreach (var category in held)
        {
            if (!reader.Check((uint)category < (uint)Categories, $"a window holds category {category} of {Categories}"))
            {
                return false;
            }

            _counts[category]++;
        }

        _total = total;
        return !reader.Failed;
    }
}
