namespace Mirage.Defense.Perturbation;

/// <summary>"top_k" {k}: the k largest probabilities kept, the rest zeroed, renormalised. k = 1 is a one-hot.</summary>
public sealed class TopK(int k) : IPerturbation
{
    public int K { get; } = k;

    public bool NeedsSurrogate => false;

    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
        var keep = Math.Min(K, classes);
        Span<bool> kept = classes <= 1024 ? stackalloc bool[classes] : new bool[classes];
        for (var offset = 0; offset < posteriors.Length; offset += classes)
        {
            var row = posteriors.Slice(offset, classes);
            kept.Clear();
            var sum = 0.0;
            for (var picked = 0; picked < keep; picked++)
            {
                var best = -1;
                for (var c = 0; c < classes; c++)
                {
                    if (!kept[c] && (best < 0 || row[c] > row[best]))
                    {
                        best = c;
                    }
                }

                kept[best] = true;
                sum += row[best];
            }

            var top = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(row);
            for (var c = 0; c < classes; c++)
            {
                row[c] = kept[c] && sum > 0 ? (float)(row[c] / sum) : 0f;
            }

            if (sum <= 0)
            {
                Simplex.OneHot(row, top);
            }
        }
    }
}
