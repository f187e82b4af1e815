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
    /// <summary>
    /// Writes the detector; with <paramref name="base"/> (each class's <see cref="TrackMark"/> when the base
    /// snapshot was taken) only the points and distances added since then, the rest in full.
    /// </summary>
    internal void WriteTo(SnapshotWriter writer, ReadOnlySpan<TrackMark> @base = default)
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
        for (var c = 0; c < _classes.Length; c++)
        {
            _classes[c].WriteTo(writer, @base.IsEmpty ? null : @base[c]);
        }
    }

    /// <summary>
    /// Reads a snapshot into this fresh detector, or (with <paramref name="base"/>) changes into the
    /// detector restored from their base; false (with the reader's reason) when it does not fit.
    /// </summary>
    internal bool ReadFrom(ref SnapshotReader reader, ReadOnlySpan<TrackMark> @base = default)
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
        for (var c = 0; c < _classes.Length; c++)
        {
            if (!_classes[c].ReadFrom(ref reader, @base.IsEmpty ? null : @base[c]))
            {
                return false;
            }
        }

        RefillPool();
        return !reader.Failed;
    }

    /// <summary>How far each class's rings have come: where changes since a snapshot taken now start.</summary>
    internal TrackMark[] Marks() => _classes.Select(c => c.Mark).ToArray();

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
}
