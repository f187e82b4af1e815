using System.Numerics.Tensors;
using Mirage.Defense.Perturbation;
using Mirage.Defense.Tests.Perturbation;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Tests.Escalation;

/// <summary>
/// <see cref="PerturbationPolicy.KeepsArgmax"/> is what the evidence rule and the quota's "poison" trust, so
/// it is checked against what each (camouflaged) perturbation really answers, not just restated.
/// </summary>
public sealed class KeepsArgmaxTests
{
    private const int Classes = 10;
    private const int Rows = 500;

    public static TheoryData<string, PerturbationPolicy, bool> Policies() => new()
    {
        { "none", PerturbationPolicy.None, true },
        { "rounding", new PerturbationPolicy { Method = PerturbationMethod.Rounding, Decimals = 3 }, true },
        { "top_k", new PerturbationPolicy { Method = PerturbationMethod.TopK, K = 2 }, true },
        { "label_only", PerturbationPolicy.LabelOnly, true },
        { "reverse_sigmoid", new PerturbationPolicy { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.5, Gamma = 0.5 }, true },
        { "mad_argmax", new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 1.0, Argmax = true }, true },
        { "mad", new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 2.0, Argmax = false }, false },
        { "gaussian_noise", new PerturbationPolicy { Method = PerturbationMethod.GaussianNoise, Scale = 0.5, Seed = 3 }, false },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void The_property_says_what_the_perturbation_does_to_the_label(string name, PerturbationPolicy policy, bool keeps)
    {
        Assert.Equal(keeps, policy.KeepsArgmax);
        var clean = RandomPosteriors.Batch(new Random(11), Rows, Classes);
        var answered = (float[])clean.Clone();
        PerturbationCatalog.Create(policy, camouflageKey: 5).Apply(answered, Classes, new PerturbationInputs(clean, 7));

        var changed = 0;
        for (var r = 0; r < Rows; r++)
        {
            var row = r * Classes;
            changed += TensorPrimitives.IndexOfMax(clean.AsSpan(row, Classes)) == TensorPrimitives.IndexOfMax(answered.AsSpan(row, Classes)) ? 0 : 1;
        }

        // A label-keeping policy never changes one; a label-changing one must change many, or the flag lies.
        Assert.True(keeps ? changed == 0 : changed > Rows / 10, $"{name}: {changed} of {Rows} labels changed");
    }

    [Fact]
    public void Block_answers_no_label_so_it_does_not_count_as_keeping_one() =>
        Assert.False(PerturbationPolicy.Block.KeepsArgmax);
}
