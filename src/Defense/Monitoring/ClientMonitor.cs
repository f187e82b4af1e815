using System.Numerics.Tensors;
using Mirage.Interfaces.Operators;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// Everything one client's queries to one model tell: PRADA on the projected inputs, the
/// low-confidence rate and the class histogram of the model's answers, and the volume.
/// </summary>
public sealed partial class ClientMonitor
{
    private readonly FeatureProjection _projection;
    private readonly SuspicionOptions _options;
    private readonly PradaDetector _prada;
    private readonly SlidingCounts _lowConfidence;
    private readonly SlidingCounts _classes;
    private readonly float[] _features;

    public ClientMonitor(FeatureProjection projection, int classes, SuspicionOptions options)
    {
        _projection = projection;
        _options = options;
        _prada = new PradaDetector(classes, projection.Dimensions, options.Prada);
        _lowConfidence = new SlidingCounts(options.Window, 2);
        _classes = new SlidingCounts(options.Window, classes);
        _features = new float[projection.Dimensions];
    }

    public long Queries { get; private set; }

    public PradaDetector Prada => _prada;

    public double LowConfidenceRate => _lowConfidence.Count == 0 ? 0 : (double)_lowConfidence.CountOf(1) / _lowConfidence.Count;

    public double ClassCoverage => _classes.Coverage();

    public double ClassBalance => _classes.Balance();

    public int Dimensions => _projection.Dimensions;

    public int InputLength => _projection.InputLength;

    public int Classes => _classes.Categories;

    /// <summary>
    /// Learns from <paramref name="rows"/> inputs and the model's (unperturbed) posteriors for them.
    /// When <paramref name="projected"/> is not empty it receives every row's features (rows x Dimensions)
    /// and <paramref name="predicted"/> every row's class, for the tenant's watch.
    /// </summary>
    public void Observe(ReadOnlySpan<float> inputs, ReadOnlySpan<float> probabilities, int rows, Span<float> projected = default, Span<int> predicted = default)
    {
        var inputLength = _projection.InputLength;
        var classes = _classes.Categories;
        for (var r = 0; r < rows; r++)
        {
            var posterior = probabilities.Slice(r * classes, classes);
            var top = TensorPrimitives.IndexOfMax(posterior);
            _projection.Project(inputs.Slice(r * inputLength, inputLength), _features);
            _prada.Observe(_features, top);
            _lowConfidence.Add(posterior[top] < _options.LowConfidenceBelow ? 1 : 0);
            _classes.Add(top);
            if (!projected.IsEmpty)
            {
                _features.CopyTo(projected.Slice(r * _features.Length, _features.Length));
                predicted[r] = top;
            }

            Queries++;
        }
    }

    public SuspicionRule.Components Components() =>
        SuspicionRule.Of(_options, _prada.ConsecutiveFlaggedTests, LowConfidenceRate, Queries, ClassBalance);

    public double Suspicion() => SuspicionRule.Combine(_options, Components());

    public ClientSignals Signals(double queryRate, bool splitAttack) => new()
    {
        Prada = new PradaSignal(
            double.IsNaN(_prada.W) ? 1 : _prada.W, _prada.Samples, _prada.Threshold, _prada.Flagged, _prada.RecentDistances(),
            double.IsNaN(_prada.LowestW) ? 1 : _prada.LowestW),
        LowConfidenceRate = LowConfidenceRate,
        ClassCoverage = ClassCoverage,
        ClassBalance = ClassBalance,
        QueryRate = queryRate,
        SplitAttack = splitAttack,
    };
}
