using Mirage.Defense.Monitoring.Snapshots;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// Snapshot of the detector: the sizes it was built with (checked against the current ones), the test's
/// state, the recent distances, then each class's track. The sorted pool is not written: it is by
/// construction the distances of every class with at least MinimumPerClass, so it is rebuilt from the
/// windows and cannot disagree with them (a pool missing a window's value would fail the next Replace).
/// </summary>
public sealed partial class PradaDetector
{
    internal void WriteTo(SnapshotWriter writer)
    {
        writer.WriteInt32(_classes.Length);
        writer.WriteInt32(_dimensions);
        writer.WriteInt32(_classes[0].Capacity);
        writer.WriteInt32(_options.DistanceWindow);
        writer.WriteInt32(_recent.Length);

        writer.WriteInt64(Queries);
        writer.WriteDouble(W);
        writer.WriteInt32(Samples);
        writer.WriteDouble(LowestW);
        writer.WriteBoolean(Flagged);
        writer.WriteInt32(ConsecutiveFlaggedTests);
        // The ring of recent distances fills from slot 0, so its first min(count, length) slots are all it holds.
        writer.WriteInt32(_recentCount);
        writer.WriteValues<double>(_recent.AsSpan(0, Math.Min(_recentCount, _recent.Length)));
        foreach (var track in _classes)
        {
            track.WriteTo(writer);
        }
    }

    /// <summary>Reads a snapshot into this fresh detector; false (with the reader's reason) when it does not fit.</summary>
    internal bool ReadFrom(ref SnapshotReader reader)
    {
        var classes = reader.ReadInt32();
        var dimensions = reader.ReadInt32();
        var perClass = reader.ReadInt32();
        var window = reader.ReadInt32();
        var recent = reader.ReadInt32();
        if (!reader.Matches(classes, _classes.Length, "PRADA classes") || !reader.Matches(dimensions, _dimensions, "feature dimensions")
            || !reader.Matches(perClass, _classes[0].Capacity, "growing-set points per class")
            || !reader.Matches(window, _options.DistanceWindow, "distances per class") || !reader.Matches(recent, _recent.Length, "recent distances"))
        {
            return false;
        }

        Queries = reader.ReadInt64();
        W = reader.ReadDouble();
        Samples = reader.ReadInt32();
        LowestW = reader.ReadDouble();
        Flagged = reader.ReadBoolean();
        ConsecutiveFlaggedTests = reader.ReadInt32();
        _recentCount = reader.ReadInt32();
        if (!reader.Check(Queries >= 0 && Samples >= 0 && ConsecutiveFlaggedTests >= 0 && _recentCount >= 0, "a PRADA counter is negative"))
        {
            return false;
        }

        reader.ReadValues(_recent.AsSpan(0, Math.Min(_recentCount, _recent.Length)));
        foreach (var track in _classes)
        {
            if (!track.ReadFrom(ref reader))
            {
                return false;
            }
        }

        RefillPool();
        return !reader.Failed;
    }

    private void RefillPool()
    {
        var pooled = _classes.Where(c => c.DistanceCount >= MinimumPerClass).ToArray();
        var values = new double[pooled.Sum(c => c.DistanceCount)];
        var at = 0;
        foreach (var track in pooled)
        {
            track.Distances.CopyTo(values.AsSpan(at));
            at += track.DistanceCount;
        }

        _pool.Refill(values);
    }

    /// <summary>A class's track: its ring of points (in storage order, with the next slot to replace), threshold, growing-set sums and distance window.</summary>
    private sealed partial class ClassTrack
    {
        public int Capacity => capacity;

        public void WriteTo(SnapshotWriter writer)
        {
            writer.WriteInt32(Count);
            writer.WriteInt32(_next);
            writer.WriteDouble(Threshold);
            writer.WriteInt64(_growingCount);
            writer.WriteDouble(_growingSum);
            writer.WriteDouble(_growingSumOfSquares);
            writer.WriteInt64(_distanceTotal);
            writer.WriteValues(Distances);
            writer.WriteValues<float>(_points.AsSpan(0, Count * dimensions));
        }

        public bool ReadFrom(ref SnapshotReader reader)
        {
            var count = reader.ReadInt32();
            var next = reader.ReadInt32();
            Threshold = reader.ReadDouble();
            _growingCount = reader.ReadInt64();
            _growingSum = reader.ReadDouble();
            _growingSumOfSquares = reader.ReadDouble();
            _distanceTotal = reader.ReadInt64();
            // Until the ring is full the next slot is the count; once full, any slot.
            var fits = count >= 0 && count <= capacity && (count < capacity ? next == count : next >= 0 && next < capacity);
            if (!reader.Check(fits, $"a growing set of {count} points with its next slot at {next} does not fit {capacity} slots")
                || !reader.Check(_growingCount >= count && _distanceTotal >= 0, "a class's counters disagree with its growing set"))
            {
                return false;
            }

            Count = count;
            _next = next;
            reader.ReadValues(_distances.AsSpan(0, DistanceCount));
            // Exactly the points held (the next Add grows the storage by the usual doubling), every value
            // overwritten by the read, so not zeroed first: at the cap that is 2 MB.
            _points = count == 0 ? [] : GC.AllocateUninitializedArray<float>(count * dimensions);
            reader.ReadValues<float>(_points);
            return !reader.Failed;
        }
    }
}
