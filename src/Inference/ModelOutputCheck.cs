namespace Mirage.Inference;

/// <summary>
/// Whether a model's output rows are probability distributions. A NaN or infinity that got through
/// would be answered as broken JSON and, worse, kept in the client's grain state for good.
/// </summary>
public static class ModelOutputCheck
{
    /// <summary>Softmax outputs sum to 1 within float rounding; anything further off is not a distribution.</summary>
    public const float SumTolerance = 1e-3f;

    /// <summary>True when every row of <paramref name="classes"/> values is finite, non-negative and sums to 1.</summary>
    public static bool AreDistributions(ReadOnlySpan<float> rows, int classes)
    {
        for (var offset = 0; offset < rows.Length; offset += classes)
        {
            var sum = 0f;
            foreach (var p in rows.Slice(offset, classes))
            {
                // Written so that NaN fails too: every comparison with NaN is false.
                if (!(p >= 0f) || !float.IsFinite(p))
                {
                    return false;
                }

                sum += p;
            }

            if (!(MathF.Abs(sum - 1f) <= SumTolerance))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when every value is finite and non-negative: what a perturbed answer must be to be sent.</summary>
    public static bool AreAnswerable(ReadOnlySpan<float> values)
    {
        foreach (var p in values)
        {
            if (!(p >= 0f) || !float.IsFinite(p))
            {
                return false;
            }
        }

        return true;
    }
}
