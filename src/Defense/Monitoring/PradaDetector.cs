using System.Numerics;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// PRADA (Juuti et al., EuroS&amp;P 2019) for one client, as docs/ALGORITHMS.md states it. Per predicted
/// class: a growing set of query points, a threshold T, and the stream of each query's distance to
/// its nearest growing-set point. Natural queries give roughly normal distances; synthetic ones (JBDA's
/// small steps from seeds) do not, which the Shapiro-Wilk test on the pooled stream sees.
/// Memory is bounded, which the reference is not: each class keeps at most capacity/K points (the
/// oldest is replaced when full) and the newest DistanceWindow distances. Replacing old points can only
/// make a new query's nearest point farther, never nearer, so a bounded detector sees slightly larger
/// distances on very long streams; an attacker's steps from recent points are unaffected.
/// Points are stored as float (every feature space is float); distances are computed in double.
/// </summary>
public sealed partial class PradaDetector
{
    /// <summary>A class's distances join the pooled test once it has this many.</summary>
    private const int MinimumPerClass = 10;

    private readonly PradaOptions _options;
    private readonly ClassTrack[] _classes;
    private readonly double[] _recent;
    private readonly double[] _query;
    private readonly int _dimensions;
    private readonly SortedPool _pool = new();
    private int _recentCount;

    public PradaDetector(int classes, int dimensions, PradaOptions options)
    {
        _options = options;
        _dimensions = dimensions;
        var perClass = Math.Max(1, options.GrowingSetCapacity / classes);
        _classes = Enumerable.Range(0, classes).Select(_ => new ClassTrack(perClass, dimensions, options.DistanceWindow)).ToArray();
        _recent = new double[options.RecentDistances];
        _query = new double[dimensions];
    }

    public long Queries { get; private set; }

    /// <summary>W of the latest test; NaN before the first test with more than 100 distances.</summary>
    public double W { get; private set; } = double.NaN;

    /// <summary>Distances that went into the latest test (after the 3σ filter).</summary>
    public int Samples { get; private set; }

    /// <summary>The lowest W any test has given so far (NaN before the first): how close the client came.</summary>
    public double LowestW { get; private set; } = double.NaN;

    public bool Flagged { get; private set; }

    /// <summary>How many tests in a row have flagged (0 when the latest did not).</summary>
    public int ConsecutiveFlaggedTests { get; private set; }

    public double Threshold => _options.Threshold;

    public int GrowingSetSize => _classes.Sum(c => c.Count);

    /// <summary>Floats held for growing-set points (grows with the sets, up to the capacity): for memory accounting.</summary>
    public long AllocatedPointValues => _classes.Sum(c => (long)c.AllocatedValues);

    /// <summary>T_c: a query of this class joins the growing set when farther than this from it.</summary>
    public double ThresholdOf(int predictedClass) => _classes[predictedClass].Threshold;

    /// <summary>
    /// Where a distance stands among the class's newest <paramref name="newest"/> distances: the share below it,
    /// ties counting half (NaN while the class has fewer than 10). The newest only: distances shrink as the
    /// growing sets fill, so older ones would rank every new query low.
    /// </summary>
    public double StandingOf(int predictedClass, double distance, int newest)
    {
        var track = _classes[predictedClass];
        var count = Math.Min(track.DistanceCount, newest);
        if (count < MinimumPerClass)
        {
            return double.NaN;
        }

        var below = 0.0;
        for (var i = 1; i <= count; i++)
        {
            var d = track.NewestDistance(i);
            below += d < distance ? 1 : d == distance ? 0.5 : 0;
        }

        return below / count;
    }

    /// <summary>The newest distances, oldest first (for operators).</summary>
    public IReadOnlyList<double> RecentDistances()
    {
        var count = Math.Min(_recentCount, _recent.Length);
        var list = new double[count];
        for (var i = 0; i < count; i++)
        {
            list[i] = _recent[(_recentCount - count + i) % _recent.Length];
        }

        return list;
    }

    /// <summary>Learns from one query; answers whether the client is flagged now.</summary>
    /// <returns>The nearest-point distance, or null for the first query of its class.</returns>
    public double? Observe(ReadOnlySpan<float> features, int predictedClass)
    {
        if (features.Length != _dimensions)
        {
            throw new ArgumentException($"PRADA measures {_dimensions} features; got {features.Length}.", nameof(features));
        }

        var track = _classes[predictedClass];
        double? distance = null;
        if (track.Count == 0)
        {
            track.Add(features);
            track.AddGrowingDistance(0);
        }
        else
        {
            for (var i = 0; i < features.Length; i++)
            {
                _query[i] = features[i];
            }

            var d = track.NearestDistance(_query);
            distance = d;
            if (d > 0 || !_options.IgnoreExactRepeats)
            {
                Record(track, d);
                _recent[_recentCount++ % _recent.Length] = d;
            }

            if (d > track.Threshold)
            {
                track.Add(features);
                track.AddGrowingDistance(d);
                track.Threshold = Math.Max(track.Threshold, track.GrowingMean - track.GrowingStd);
            }
        }

        if (Queries % _options.TestEvery == 0)
        {
            Test();
        }

        Queries++;
        return distance;
    }

    /// <summary>Adds a distance to its class's window and keeps the pool (classes with at least 10) in step.</summary>
    private void Record(ClassTrack track, double d)
    {
        var wasPooled = track.DistanceCount >= MinimumPerClass;
        var evicted = track.AddDistance(d);
        if (wasPooled)
        {
            if (evicted is { } old)
            {
                _pool.Replace(old, d);
            }
            else
            {
                _pool.Add(d);
            }
        }
        else if (track.DistanceCount >= MinimumPerClass)
        {
            foreach (var value in track.Distances)
            {
                _pool.Add(value);
            }
        }
    }

    private void Test()
    {
        var values = _pool.Values;
        if (values.IsEmpty)
        {
            return;
        }

        var within = ThreeSigma.Within(values);
        var kept = within.Length;
        if (kept > 100)
        {
            W = ShapiroWilk.TestSorted(within).W;
            LowestW = double.IsNaN(LowestW) ? W : Math.Min(LowestW, W);
            Samples = kept;
            Flagged = W < _options.Threshold;
            ConsecutiveFlaggedTests = Flagged ? ConsecutiveFlaggedTests + 1 : 0;
        }
    }

    /// <summary>One class's growing set (a ring once full), its threshold, and its distance window.</summary>
    private sealed partial class ClassTrack(int capacity, int dimensions, int window)
    {
        // Grown on demand: most clients' growing sets stay far below the cap, and the cap's worth of
        // points (4,096 x 128 floats, 2 MiB) allocated up front would be paid by every client.
        private float[] _points = [];
        private readonly double[] _distances = new double[window];
        private int _next;
        private long _growingCount;
        private double _growingSum;
        private double _growingSumOfSquares;
        private long _distanceTotal;

        public int Count { get; private set; }

        public int AllocatedValues => _points.Length;

        public double Threshold { get; set; }

        public int DistanceCount => (int)Math.Min(_distanceTotal, _distances.Length);

        public double GrowingMean => _growingSum / _growingCount;

        /// <summary>Population standard deviation of every growing-set distance recorded (with the first 0).</summary>
        public double GrowingStd => Math.Sqrt(Math.Max(0, _growingSumOfSquares / _growingCount - GrowingMean * GrowingMean));

        public void Add(ReadOnlySpan<float> features)
        {
            if (_next == _points.Length / dimensions && _points.Length < capacity * dimensions)
            {
                Array.Resize(ref _points, StorageFor(_next + 1) * dimensions);
            }

            features.CopyTo(_points.AsSpan(_next * dimensions, dimensions));
            _next = (_next + 1) % capacity;
            Count = Math.Min(Count + 1, capacity);
        }

        /// <summary>Points of storage for a set of <paramref name="points"/>: 16, then doubling, up to the capacity.</summary>
        private int StorageFor(int points) => Math.Min(capacity, Math.Max(16, (int)BitOperations.RoundUpToPowerOf2((uint)points)));

        public void AddGrowingDistance(double d)
        {
            _growingCount++;
            _growingSum += d;
            _growingSumOfSquares += d * d;
        }

        public ReadOnlySpan<double> Distances => _distances.AsSpan(0, DistanceCount);

        /// <summary>The <paramref name="age"/>-th newest distance (1: the newest), for age up to DistanceCount.</summary>
        public double NewestDistance(int age) => _distances[(int)((_distanceTotal - age) % _distances.Length)];

        /// <summary>Appends to the window; answers the distance it pushed out, if it was full.</summary>
        public double? AddDistance(double d)
        {
            var slot = (int)(_distanceTotal++ % _distances.Length);
            double? evicted = _distanceTotal > _distances.Length ? _distances[slot] : null;
            _distances[slot] = d;
            return evicted;
        }

        public double NearestDistance(ReadOnlySpan<double> query)
        {
            var best = double.PositiveInfinity;
            var points = _points.AsSpan(0, Count * dimensions);
            for (var i = 0; i < Count; i++)
            {
                var squared = SquaredDistance.Of(points.Slice(i * dimensions, dimensions), query);
                if (squared < best)
                {
                    best = squared;
                }
            }

            return Math.Sqrt(best);
        }
    }
}
