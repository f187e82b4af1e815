using Mirage.Defense.Monitoring.Snapshots;

namespace Mirage.Defense.Monitoring;

public sealed partial class PradaDetector
{
    /// <summary>
    /// Snapshot of a class's track: ring position, threshold, growing-set sums, distance window, then its
    /// newest points, oldest first: all it holds in a full snapshot, only those added since the base in
    /// changes. Each point's slot follows from the ring's next slot, so changes applied over the base
    /// land where the uninterrupted ring put them (a full ring's new points over its oldest).
    /// </summary>
    private sealed partial class ClassTrack
    {
        public int Capacity => capacity;

        /// <summary>Points ever added (one growing-set distance is recorded with each).</summary>
        public long PointsAdded => _growingCount;

        public void WriteTo(SnapshotWriter writer, long? addedAtBase)
        {
            writer.WriteInt32(Count);
            writer.WriteInt32(_next);
            writer.WriteDouble(Threshold);
            writer.WriteInt64(_growingCount);
            writer.WriteDouble(_growingSum);
            writer.WriteDouble(_growingSumOfSquares);
            writer.WriteInt64(_distanceTotal);
            writer.WriteValues(Distances);
            var newest = NewestSince(Count, _growingCount, addedAtBase);
            writer.WriteInt32(newest);
            var (start, first) = RunsOf(newest);
            writer.WriteValues<float>(_points.AsSpan(start * dimensions, first * dimensions));
            writer.WriteValues<float>(_points.AsSpan(0, (newest - first) * dimensions));
        }

        /// <summary>Reads into a fresh track (<paramref name="addedAtBase"/> null) or applies changes over the base's.</summary>
        public bool ReadFrom(ref SnapshotReader reader, long? addedAtBase)
        {
            var count = reader.ReadInt32();
            var next = reader.ReadInt32();
            Threshold = reader.ReadDouble();
            var added = reader.ReadInt64();
            _growingSum = reader.ReadDouble();
            _growingSumOfSquares = reader.ReadDouble();
            _distanceTotal = reader.ReadInt64();
            // Until the ring is full the next slot is the count; once full, any slot.
            var fits = count >= 0 && count <= capacity && (count < capacity ? next == count : next >= 0 && next < capacity);
            if (!reader.Check(fits, $"a growing set of {count} points with its next slot at {next} does not fit {capacity} slots")
                || !reader.Check(added >= count && _distanceTotal >= 0 && added >= (addedAtBase ?? 0), "a class's counters disagree with its growing set"))
            {
                return false;
            }

            reader.ReadValues(_distances.AsSpan(0, DistanceCount));
            var newest = reader.ReadInt32();
            // Every slot is either in the snapshot or kept from the base (which held Count points).
            if (!reader.Check(newest == NewestSince(count, added, addedAtBase) && count - newest <= Count,
                    $"a class lists {newest} new points of {count}, which its counters and its base do not explain"))
            {
                return false;
            }

            if (addedAtBase is null)
            {
                // Every value is overwritten by the read, so not zeroed first: at the cap that is 2 MB.
                _points = count == 0 ? [] : GC.AllocateUninitializedArray<float>(count * dimensions);
            }
            else if (_points.Length < count * dimensions)
            {
                Array.Resize(ref _points, count * dimensions);
            }

            (Count, _next, _growingCount) = (count, next, added);
            var (start, first) = RunsOf(newest);
            reader.ReadValues(_points.AsSpan(start * dimensions, first * dimensions));
            reader.ReadValues(_points.AsSpan(0, (newest - first) * dimensions));
            return !reader.Failed;
        }

        private static int NewestSince(int count, long added, long? addedAtBase) =>
            addedAtBase is { } atBase ? (int)Math.Min(count, added - atBase) : count;

        /// <summary>The newest <paramref name="newest"/> points as at most two runs of slots: from start, first of them, then the rest from slot 0.</summary>
        private (int Start, int First) RunsOf(int newest)
        {
            var start = ((_next - newest) % capacity + capacity) % capacity;
            return (start, Math.Min(newest, capacity - start));
        }
    }
}
