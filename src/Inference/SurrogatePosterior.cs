namespace Mirage.Inference;

/// <summary>
/// Where MAD's surrogate posterior p comes from for a batch. The closed form in docs/ALGORITHMS.md needs
/// only p, and the surrogate is a randomly initialised copy of the victim's architecture. Such a network
/// answers almost the same posterior whatever the input (on Fashion-MNIST, per class a standard deviation
/// of about 0.001 around a mean near 0.1), so two sources exist:
/// <list type="bullet">
/// <item><see cref="PerInput"/> runs the surrogate on every row, as the reference does: a second model run
/// of the victim's size for every MAD row.</item>
/// <item><see cref="Mean"/> answers the surrogate's mean posterior over the victim's training images (the
/// lab writes it into the manifest): no model run. MAD then gives the same answer as per input for 84-95%
/// of rows, and otherwise another poisoned answer within the same budget (lab/surrogate_agreement.py;
/// docs/PERFORMANCE.md has the numbers and the lab's attack results with this source).</item>
/// </list>
/// </summary>
public abstract class SurrogatePosterior : IDisposable
{
    /// <summary>For logs: which source this is.</summary>
    public abstract string Description { get; }

    /// <summary>Writes rows x Classes posteriors for the <paramref name="rows"/> inputs.</summary>
    public abstract void Fill(ReadOnlySpan<float> inputs, int rows, Span<float> posteriors);

    /// <summary>Runs <paramref name="model"/> on every row; disposes it with this source when it <paramref name="owns"/> it.</summary>
    public static SurrogatePosterior PerInput(IInferenceModel model, bool owns) => new ModelRun(model, owns);

    /// <summary>The same posterior for every row (normalised to sum to 1).</summary>
    public static SurrogatePosterior Mean(IReadOnlyList<double> posterior) => new Constant(posterior);

    /// <summary>What a mean posterior must be, here and in a model manifest: non-negative finite values summing to 1 (within 1e-3).</summary>
    public static bool IsDistribution(IReadOnlyList<double> values) =>
        values.All(p => p >= 0 && double.IsFinite(p)) && Math.Abs(values.Sum() - 1) <= 1e-3;

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }

    private sealed class ModelRun(IInferenceModel model, bool owns) : SurrogatePosterior
    {
        public override string Description => owns ? "per input (its own model run)" : "per input (the victim itself)";

        public override void Fill(ReadOnlySpan<float> inputs, int rows, Span<float> posteriors) =>
            model.Run(inputs, rows, posteriors, default);

        public override void Dispose()
        {
            if (owns)
            {
                model.Dispose();
            }

            base.Dispose();
        }
    }

    private sealed class Constant : SurrogatePosterior
    {
        private readonly float[] _posterior;

        public Constant(IReadOnlyList<double> posterior)
        {
            if (posterior.Count < 2 || !IsDistribution(posterior))
            {
                throw new ArgumentException("A mean surrogate posterior needs at least 2 non-negative finite values that sum to 1.", nameof(posterior));
            }

            var sum = posterior.Sum();
            _posterior = [.. posterior.Select(p => (float)(p / sum))];
        }

        public override string Description => "the surrogate's mean posterior (no model run)";

        public override void Fill(ReadOnlySpan<float> inputs, int rows, Span<float> posteriors)
        {
            for (var r = 0; r < rows; r++)
            {
                _posterior.CopyTo(posteriors.Slice(r * _posterior.Length, _posterior.Length));
            }
        }
    }
}
