using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Escalation;

/// <summary>
/// A tenant's levels, from "clean" (threshold 0) upward, and how long a client must stay calm before
/// it may come down. Rising is immediate; falling waits, so an attacker cannot shake off a level by
/// pausing for a moment (hysteresis in time).
/// </summary>
public sealed class EscalationLadder
{
    public EscalationLadder(IReadOnlyList<EscalationLevel> levels, TimeSpan calmPeriod)
    {
        if (levels.Count == 0 || levels[0].Threshold != 0)
        {
            throw new ArgumentException("An escalation ladder starts with a level at threshold 0.", nameof(levels));
        }

        for (var i = 1; i < levels.Count; i++)
        {
            if (!(levels[i].Threshold > levels[i - 1].Threshold) || levels[i].Threshold > 1)
            {
                throw new ArgumentException(
                    $"Level {i} ({levels[i].Name}) needs a threshold above level {i - 1}'s and at most 1.", nameof(levels));
            }
        }

        if (calmPeriod < TimeSpan.Zero)
        {
            throw new ArgumentException("The calm period cannot be negative.", nameof(calmPeriod));
        }

        Levels = levels;
        CalmPeriod = calmPeriod;
    }

    public IReadOnlyList<EscalationLevel> Levels { get; }

    public TimeSpan CalmPeriod { get; }

    /// <summary>
    /// The adaptive default: clean answers; argmax-keeping perturbations while a client is only
    /// watched; MAD's argmax oracle when suspected; MAD's extreme vertex (poison) for an attack. Every
    /// perturbed level is camouflaged (PerturbationCatalog): the answer's values are the clean ones and
    /// the method only orders the classes (MAD by its target, so its ε only matters when camouflage is off).
    /// </summary>
    public static EscalationLadder Default { get; } = new(
    [
        new EscalationLevel { Name = "clean", Threshold = 0, Policy = PerturbationPolicy.None },
        new EscalationLevel
        {
            Name = "watch", Threshold = 0.4,
            Policy = new PerturbationPolicy { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.5, Gamma = 0.5 },
        },
        new EscalationLevel
        {
            Name = "suspect", Threshold = 0.6,
            Policy = new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 1.0, Norm = MadNorm.L1, Argmax = true },
        },
        new EscalationLevel
        {
            Name = "attack", Threshold = 0.8,
            Policy = new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 2.0, Norm = MadNorm.L1, Argmax = false },
        },
    ], TimeSpan.FromMinutes(10));

    /// <summary>The highest level whose threshold the suspicion reaches, all of it evidence.</summary>
    public int LevelFor(double suspicion) => LevelFor(suspicion, suspicion);

    /// <summary>
    /// The evidence rule (docs/DETECTION.md): the highest level whose threshold the suspicion reaches and,
    /// when its policy may change the label (<see cref="PerturbationPolicy.KeepsArgmax"/> false), the
    /// evidence reaches too. Volume alone thus lifts a client at most to the highest label-keeping level
    /// it reaches (the default ladder's "suspect"), flagged for the operator, and never flips a label.
    /// </summary>
    public int LevelFor(double suspicion, double evidence)
    {
        var level = 0;
        for (var i = 1; i < Levels.Count && suspicion >= Levels[i].Threshold; i++)
        {
            if (Levels[i].Policy.KeepsArgmax || evidence >= Levels[i].Threshold)
            {
                level = i;
            }
        }

        return level;
    }

    /// <summary>The highest level whose policy changes labels (and answers: not a block); null when none does.</summary>
    public EscalationLevel? TopLabelChanging() =>
        Levels.LastOrDefault(l => !l.Policy.KeepsArgmax && l.Policy.Method != PerturbationMethod.Block);
}
