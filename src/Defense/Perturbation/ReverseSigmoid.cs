namespace Mirage.Defense.Perturbation;

/// <summary>
/// "reverse_sigmoid" {beta, gamma} (Lee et al., arXiv 1806.00054; ART's formula):
/// r(y) = β·(s(γ·logit(y)) − ½), ỹ = α·clip(y − r(y), 0, 1) with α making ỹ sum to 1. As in ART,
/// y is clipped to [1e-9, 1 − 1e-9] inside the logit only. Computed in double.
/// </summary>
public sealed class ReverseSigmoid(double beta, double gamma) : IPerturbation
{
    private const double Clip = 1e-9;

    public double Beta { get; } = beta;

    public double Gamma { get; } = gamma;

    public bool NeedsSurrogate => false;

    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
        Span<double> perturbed = classes <= 1024 ? stackalloc double[classes] : new double[classes];
        for (var offset = 0; offset < posteriors.Length; offset += classes)
        {
            var row = posteriors.Slice(offset, classes);
            var sum = 0.0;
            for (var k = 0; k < classes; k++)
            {
                double y = row[k];
                var clipped = Math.Clamp(y, Clip, 1 - Clip);
                var logit = Math.Log(clipped / (1 - clipped));
                var r = Beta * (1.0 / (1.0 + Math.Exp(-Gamma * logit)) - 0.5);
                perturbed[k] = Math.Clamp(y - r, 0.0, 1.0);
                sum += perturbed[k];
            }

            if (sum <= 0)
            {
                // Every class was pushed to 0 (β far above 1): answer uniform rather than divide by 0.
                row.Fill(1f / classes);
                continue;
            }

            for (var k = 0; k < classes; k++)
            {
                row[k] = (float)(perturbed[k] / sum);
            }
        }
    }
}
