namespace Mirage.Defense.Perturbation;

/// <summary>
/// "rounding" {decimals}: each probability rounded half-to-even (as ART does), then renormalised so the
/// answer still sums to 1. A row rounded to all zeros (decimals 0) answers its argmax.
/// </summary>
public sealed class Rounding(int decimals) : IPerturbation
{
    public int Decimals { get; } = decimals;

    public bool NeedsSurrogate => false;

    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
        for (var offset = 0; offset < posteriors.Length; offset += classes)
        {
            var row = posteriors.Slice(offset, classes);
            var top = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(row);
            var sum = 0.0;
            for (var k = 0; k < classes; k++)
            {
                row[k] = (float)Math.Round((double)row[k], Decimals, MidpointRounding.ToEven);
                sum += row[k];
            }

            if (sum > 0)
            {
                for (var k = 0; k < classes; k++)
                {
                    row[k] = (float)(row[k] / sum);
                }
            }
            else
            {
                Simplex.OneHot(row, top);
            }
        }
    }
}
