using System.Numerics.Tensors;

namespace Mirage.Defense.Perturbation;

/// <summary>
/// "label_only": each row becomes the one-hot of its own argmax. (ART's ClassLabels sets, for every
/// row, the argmax column of every row of the batch; this is per row.)
/// </summary>
public sealed class LabelOnly : IPerturbation
{
    public static LabelOnly Instance { get; } = new();

    public bool NeedsSurrogate => false;

    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
        for (var offset = 0; offset < posteriors.Length; offset += classes)
        {
            var row = posteriors.Slice(offset, classes);
            Simplex.OneHot(row, TensorPrimitives.IndexOfMax<float>(row));
        }
    }
}
