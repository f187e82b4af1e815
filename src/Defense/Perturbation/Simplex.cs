using System.Numerics.Tensors;

namespace Mirage.Defense.Perturbation;

/// <summary>Small helpers that keep rows on the probability simplex.</summary>
internal static class Simplex
{
    /// <summary>Scales a non-negative row to sum 1; a row with no mass left becomes <paramref name="fallback"/>.</summary>
    public static void Normalize(Span<float> row, ReadOnlySpan<float> fallback)
    {
        var sum = TensorPrimitives.Sum<float>(row);
        if (sum > 0 && float.IsFinite(sum))
        {
            TensorPrimitives.Divide(row, sum, row);
        }
        else
        {
            fallback.CopyTo(row);
        }
    }

    public static void OneHot(Span<float> row, int index)
    {
        row.Clear();
        row[index] = 1f;
    }
}
