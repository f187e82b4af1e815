using System.Numerics.Tensors;

namespace Mirage.Grains.Monitoring;

/// <summary>
/// Watches one tenant's young keys together (for one model), to catch an attack split across many keys,
/// each too small for its own client's signals. Three pooled components, combined like the client rule
/// (noisy-or, 1 − Π(1 − wᵢ·sᵢ)):
/// - PRADA over the young keys' queries pooled into one detector: JBDA split over keys still steps from
///   the same seeds, so the pooled distance stream is as non-normal as one attacker's. Counts (1) once
///   PradaPersistence tests in a row flag, with at least MinimumClients keys in the detector's distance window.
/// - Volume: young-key queries within VolumeWindow, from VolumeFrom (0) to VolumeFull (1), times the class
///   balance of those queries, and only when spread (≥ MinimumClients keys, none above LargestClientShare):
///   in-distribution Knockoff split over keys.
/// - Out of distribution: the pooled low-confidence rate, ramped as for one client, once the pool has
///   LowConfidenceMinimumQueries queries from ≥ MinimumClients keys: Knockoff with a foreign pool split over keys.
/// Keys older than YoungClientAge are never pooled. An alert names the young keys with at least
/// MinimumQueriesToImplicate queries in the windows of the components that spoke; a benign young key
/// of the same tenant that queried in the same window is named too (the price of pooling).
/// </summary>
public sealed class TenantWatch
{
    private readonly TenantWatchOptions _options;
    private readonly PradaDetector _prada;
    private readonly PooledQueryWindow _volume;
    private readonly PooledQueryWindow _pradaWindow;
    private double[] _features = [];

    public TenantWatch(int classes, int dimensions, TenantWatchOptions options)
    {
        _options = options;
        _prada = new PradaDetector(classes, dimensions, options.Prada);
        _volume = new PooledQueryWindow(options.VolumeWindowCapacity, classes, options.VolumeWindow);
        // The keys behind PRADA's pooled distances: its window per class, times the classes.
        _pradaWindow = new PooledQueryWindow(options.Prada.DistanceWindow * classes, classes, maximumAge: null);
    }

    public readonly record struct Components(double Prada, double OutOfDistribution, double Volume);

    /// <summary>The pooled detector, for operators (W, samples, flagged, recent distances).</summary>
    public PradaDetector Prada => _prada;

    /// <summary>Young-key queries in the volume window.</summary>
    public int PooledQueries => _volume.Count;

    /// <summary>Young keys with queries in the volume window.</summary>
    public int PooledClients => _volume.Clients;

    public double PooledBalance => _volume.Balance();

    public double PooledLowConfidenceRate => _volume.LowConfidenceRate;

    /// <summary>
    /// Learns from one query of a key. <paramref name="features"/> are in the model's PRADA feature space
    /// (what <see cref="FeatureProjection.Project"/> gives); queries of keys older than YoungClientAge are ignored.
    /// </summary>
    /// <returns>Whether the query was pooled.</returns>
    public bool Observe(string client, TimeSpan clientAge, ReadOnlySpan<double> features, int predictedClass, double maxProbability, DateTimeOffset at)
    {
        if (clientAge > _options.YoungClientAge)
        {
            return false;
        }

        var lowConfidence = maxProbability < _options.LowConfidenceBelow;
        _prada.Observe(features, predictedClass);
        _pradaWindow.Add(client, predictedClass, lowConfidence, at);
        _volume.Add(client, predictedClass, lowConfidence, at);
        return true;
    }

    /// <summary>Learns from one answered request: <paramref name="rows"/> raw inputs and the model's own posteriors.</summary>
    public void Observe(string client, TimeSpan clientAge, FeatureProjection projection,
        ReadOnlySpan<float> inputs, ReadOnlySpan<float> probabilities, int rows, DateTimeOffset at)
    {
        if (clientAge > _options.YoungClientAge || rows == 0)
        {
            return;
        }

        if (_features.Length != projection.Dimensions)
        {
            _features = new double[projection.Dimensions];
        }

        var classes = probabilities.Length / rows;
        for (var r = 0; r < rows; r++)
        {
            var posterior = probabilities.Slice(r * classes, classes);
            var predicted = TensorPrimitives.IndexOfMax(posterior);
            projection.Project(inputs.Slice(r * projection.InputLength, projection.InputLength), _features);
            Observe(client, clientAge, _features, predicted, posterior[predicted], at);
        }
    }

    /// <summary>The pooled components at <paramref name="now"/> (the volume window slides with time).</summary>
    public Components Assess(DateTimeOffset now)
    {
        _volume.ExpireBefore(now);
        var prada = _prada.ConsecutiveFlaggedTests >= _options.PradaPersistence && _pradaWindow.Clients >= _options.MinimumClients ? 1 : 0;
        var spread = _volume.Clients >= _options.MinimumClients
            && _volume.LargestClientCount <= _options.LargestClientShare * _volume.Count;
        var volume = spread
            ? Ramp(_volume.Count, _options.VolumeFrom, _options.VolumeFull) * _volume.Balance()
            : 0;
        var outOfDistribution = _volume.Clients >= _options.MinimumClients && _volume.Count >= _options.LowConfidenceMinimumQueries
            ? Ramp(_volume.LowConfidenceRate, _options.LowConfidenceFrom, _options.LowConfidenceFull)
            : 0;
        return new Components(prada, outOfDistribution, volume);
    }

    public double Suspicion(Components c) =>
        1 - (1 - c.Prada) * (1 - _options.OutOfDistributionWeight * c.OutOfDistribution) * (1 - _options.VolumeWeight * c.Volume);

    /// <summary>An alert naming the keys involved when the pooled suspicion reaches AlertFrom; otherwise null.</summary>
    public TenantAlert? Check(DateTimeOffset now)
    {
        var components = Assess(now);
        var suspicion = Suspicion(components);
        if (suspicion < _options.AlertFrom)
        {
            return null;
        }

        var clients = new HashSet<string>(StringComparer.Ordinal);
        var reasons = new List<string>();
        if (components.Prada > 0)
        {
            clients.UnionWith(_pradaWindow.ClientsWithAtLeast(_options.MinimumQueriesToImplicate));
            reasons.Add($"pooled PRADA flagged (W {_prada.W:F3} over {_prada.Samples} distances)");
        }

        if (components.OutOfDistribution > 0 || components.Volume > 0)
        {
            clients.UnionWith(_volume.ClientsWithAtLeast(_options.MinimumQueriesToImplicate));
            if (components.OutOfDistribution > 0)
            {
                reasons.Add($"pooled low-confidence rate {_volume.LowConfidenceRate:F2}");
            }

            if (components.Volume > 0)
            {
                reasons.Add($"{_volume.Count} queries, class balance {_volume.Balance():F2}");
            }
        }

        return new TenantAlert(suspicion, $"split across {clients.Count} young keys: {string.Join("; ", reasons)}", clients, components);
    }

    private static double Ramp(double value, double from, double full) => Math.Clamp((value - from) / (full - from), 0, 1);
}
