using System.Numerics.Tensors;
using Mirage.Interfaces.Operators;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// Everything one client's queries to one model tell: PRADA on the projected inputs, the
/// low-confidence rate of the model's answers, and (from <see cref="Horizons"/>, which the client's
/// persisted record holds) the volume and the class histogram over the horizons.
/// </summary>
public sealed partial class ClientMonitor
{
    private readonly FeatureProjection _projection;
    private readonly SuspicionOptions _options;
    private readonly PradaDetector _prada;
    private readonly SlidingCounts _lowConfidence;
    private readonly int _classes;
    private readonly float[] _features;

    public ClientMonitor(FeatureProjection projection, int classes, SuspicionOptions options)
    {
        _projection = projection;
        _options = options;
        _prada = new PradaDetector(classes, projection.Dimensions, options.Prada);
        _lowConfidence = new SlidingCounts(options.Window, 2);
        _classes = classes;
        Horizons = QueryHorizons.For(options, classes);
        _features = new float[projection.Dimensions];
    }

    public long Queries { get; private set; }

    public PradaDetector Prada => _prada;

    public double LowConfidenceRate => _lowConfidence.Count == 0 ? 0 : (double)_lowConfidence.CountOf(1) / _lowConfidence.Count;

    /// <summary>The volume and class counts over the horizons; a fresh set until <see cref="UseHorizons"/> hands over the stored one.</summary>
    public QueryHorizons Horizons { get; private set; }

    public int Dimensions => _projection.Dimensions;

    public int InputLength => _projection.InputLength;

    public int Classes => _classes;

    /// <summary>
    /// Counts into <paramref name="horizons"/> from now on (the client's record keeps them across
    /// activations); counts that do not fit this configuration are started afresh. Answers the set in use.
    /// </summary>
    public QueryHorizons UseHorizons(QueryHorizons? horizons)
    {
        Horizons = horizons is not null && horizons.Fits(_options, _classes) ? horizons : QueryHorizons.For(_options, _classes);
        return Horizons;
    }

    /// <summary>
    /// Learns from <paramref name="rows"/> inputs and the model's (unperturbed) posteriors for them.
    /// When <paramref name="projected"/> is not empty it receives every row's features (rows x Dimensions)
    /// and <paramref name="predicted"/> every row's class, for the tenant's watch.
    /// </summary>
    public void Observe(ReadOnlySpan<float> inputs, ReadOnlySpan<float> probabilities, int rows, DateTimeOffset at,
        Span<float> projected = default, Span<int> predicted = default)
    {
        var inputLength = _projection.InputLength;
        var classes = _classes;
        for (var r = 0; r < rows; r++)
        {
            var posterior = probabilities.Slice(r * classes, classes);
            var top = TensorPrimitives.IndexOfMax(posterior);
            _projection.Project(inputs.Slice(r * inputLength, inputLength), _features);
            _prada.Observe(_features, top);
            _lowConfidence.Add(posterior[top] < _options.LowConfidenceBelow ? 1 : 0);
            Horizons.Add(at, top);
            if (!projected.IsEmpty)
            {
                _features.CopyTo(projected.Slice(r * _features.Length, _features.Length));
                predicted[r] = top;
            }

            Queries++;
        }
    }

    public SuspicionRule.Components Components(DateTimeOffset now) =>
        SuspicionRule.Of(_options, _prada.ConsecutiveFlaggedTests, LowConfidenceRate, Queries, Horizons.Volume(_options, now));

    public double Suspicion(DateTimeOffset now) => SuspicionRule.Combine(_options, Components(now));

    public double Evidence(DateTimeOffset now) => SuspicionRule.Evidence(_options, Components(now));

    public ClientSignals Signals(double queryRate, bool splitAttack, DateTimeOffset now)
    {
        var components = Components(now);
        var (coverage, balance) = Horizons.ClassSpread(now);
        return new ClientSignals
        {
            Prada = new PradaSignal(
                double.IsNaN(_prada.W) ? 1 : _prada.W, _prada.Samples, _prada.Threshold, _prada.Flagged, _prada.RecentDistances(),
                double.IsNaN(_prada.LowestW) ? 1 : _prada.LowestW),
            LowConfidenceRate = LowConfidenceRate,
            ClassCoverage = coverage,
            ClassBalance = balance,
            QueryRate = queryRate,
            SplitAttack = splitAttack,
            Evidence = SuspicionRule.Evidence(_options, components),
            Volume = components.Volume,
        };
    }
}
