using Mirage.Defense.Monitoring.Snapshots;

namespace Mirage.Defense.Monitoring;

public sealed partial class PradaDetector
{
    /// <summary>How far a class's two rings had come when a base snapshot was taken: where changes start.</summary>
    internal readonly record struct TrackMark(long PointsAdded, long DistancesAdded);

    /// <summary>
    /// Snapshot of a class's track: threshold, growing-set sums, then its two rings (points, and the distance
    /// window) through <see cref="RingSnapshot"/>: every entry in a full snapshot, in changes only those
    /// added since the base's <see cref="TrackMark"/>.
    /// </summary>
    private sealed partial class ClassTrack
    {
        public int Capacity => capacity;

        /// <summary>Points ever added (one growing-set distance is recorded with each) and distances ever recorded.</summary>
        public TrackMark Mark => new(_growingCount, _distanceTotal);

        public void WriteTo(SnapshotWriter writer, TrackMark? atBase)
        {
            writer.WriteInt32(Count);
            writer.WriteInt32(_next);
            writer.WriteDouble(Threshold);
            writer.WriteInt64(_growingCount);
            writer.WriteDouble(_growingSum);
            writer.WriteDouble(_growingSumOfSquares);
            writer.WriteInt64(_distanceTotal);
            var window = _distances.Length;
            RingSnapshot.WriteNewest<double>(writer, _distances, 1, window, (int)(_distanceTotal % window),
                RingSnapshot.NewestSince(DistanceCount, _distanceTotal, atBase?.DistancesAdded));
            RingSnapshot.WriteNewest<float>(writer, _points, dimensions, capacity, _next, RingSnapshot.NewestSince(Count, _growingCount, atBase?.PointsAdded));
        }

        /// <summary>Reads into a fresh track (<paramref name="atBase"/> null) or applies changes over the base's.</summary>
        public bool ReadFrom(ref SnapshotReader reader, TrackMark? atBase)
        {
            var count = reader.ReadInt32();
            var next = reader.ReadInt32();
            Threshold = reader.ReadDouble();
            var pointsAdded = reader.ReadInt64();
            _growingSum = reader.ReadDouble();
            _growingSumOfSquares = reader.ReadDouble();
            var distancesAdded = reader.ReadInt64();
            // Until the ring is full the next slot is the count; once full, any slot.
            var fits = count >= 0 && count <= capacity && (count < capacity ? next == count : next >= 0 && next < capacity);
            if (!reader.Check(fits, $"a growing set of {count} points with its next slot at {next} does not fit {capacity} slots")
                || !reader.Check(pointsAdded >= count && distancesAdded >= 0, "a class's counters disagree with its growing set"))
            {
                return false;
            }

            var window = _distances.Length;
            var distances = (int)Math.Min(distancesAdded, window);
            var newestDistances = RingSnapshot.NewestSince(distances, distancesAdded, atBase?.DistancesAdded);
            var newestPoints = RingSnapshot.NewestSince(count, pointsAdded, atBase?.PointsAdded);
            // Every slot is either in the snapshot or kept from the base.
            if (!reader.Check(distances - newestDistances <= DistanceCount && count - newestPoints <= Count, "a class's changes leave slots its base did not hold"))
            {
                return false;
            }

            // The storage the uninterrupted set has grown to, so changes over it rarely grow it again. Fresh, it
            // is not zeroed: the read overwrites the points held, and slots past them are written before read.
            if (atBase is null)
            {
                _points = count == 0 ? [] : GC.AllocateUninitializedArray<float>(StorageFor(count) * dimensions);
            }
            else if (_points.Length < count * dimensions)
            {
                Array.Resize(ref _points, StorageFor(count) * dimensions);
            }

            (Count, _next, _growingCount, _distanceTotal) = (count, next, pointsAdded, distancesAdded);
            return RingSnapshot.ReadNewest<double>(ref reader, _distances, 1, window, (int)(distancesAdded % window), newestDistances, "a distance window")
                && RingSnapshot.ReadNewest<float>(ref reader, _points, dimensions, capacity, next, newestPoints, "a growing set");
        }
    }
}
