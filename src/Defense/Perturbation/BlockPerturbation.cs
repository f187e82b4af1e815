namespace Mirage.Defense.Perturbation;

/// <summary>"block": the request path answers 403 before any inference, so nothing is ever perturbed.</summary>
public sealed class BlockPerturbation : IPerturbation
{
    public static BlockPerturbation Instance { get; } = new();

    public bool NeedsSurrogate => false;

    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs) =>
        throw new InvalidOperationException("A blocked client is refused before inference; its answers are never computed.");
}
