using Mirage.Interfaces.Operators;

namespace Mirage.Defense.Perturbation;

/// <summary>
/// What perturbing cost the answers (docs/ALGORITHMS.md): argmax kept, L1 distance, KL(y‖ỹ) in nats with
/// ỹ clipped at 1e-12. Accumulates over answers; mergeable.
/// </summary>
public struct UtilityCost
{
    private const double KlFloor = 1e-12;

    public long Answers;
    public long ArgmaxKept;
    public double SumL1;
    public double SumKl;

    /// <summary>Adds every row of a batch: <paramref name="original"/> y and <paramref name="answered"/> ỹ.</summary>
    public void Add(ReadOnlySpan<float> original, ReadOnlySpan<float> answered, int classes)
    {
        for (var offset = 0; offset < original.Length; offset += classes)
        {
            var y = original.Slice(offset, classes);
            var perturbed = answered.Slice(offset, classes);
            double l1 = 0, kl = 0;
            for (var k = 0; k < classes; k++)
            {
                l1 += Math.Abs((double)y[k] - perturbed[k]);
                if (y[k] > 0)
                {
                    kl += y[k] * Math.Log(y[k] / Math.Max(perturbed[k], KlFloor));
                }
            }

            Answers++;
            ArgmaxKept += System.Numerics.Tensors.TensorPrimitives.IndexOfMax(y) == System.Numerics.Tensors.TensorPrimitives.IndexOfMax(perturbed) ? 1 : 0;
            SumL1 += l1;
            SumKl += kl;
        }
    }

    public void Merge(UtilityCost other)
    {
        Answers += other.Answers;
        ArgmaxKept += other.ArgmaxKept;
        SumL1 += other.SumL1;
        SumKl += other.SumKl;
    }

    public readonly UtilityCostSummary Summary() => Answers == 0
        ? new UtilityCostSummary(0, 1, 0, 0)
        : new UtilityCostSummary(Answers, (double)ArgmaxKept / Answers, SumL1 / Answers, SumKl / Answers);
}
