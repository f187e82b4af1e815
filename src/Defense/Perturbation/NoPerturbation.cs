namespace Mirage.Defense.Perturbation;

/// <summary>"none": the model's posteriors as they are.</summary>
public sealed class NoPerturbation : IPerturbation
{
    public static NoPerturbation Instance { get; } = new();

    public bool NeedsSurrogate => false;

    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
    }
}
