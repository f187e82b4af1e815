using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mirage.Defense.Perturbation;

/// <summary>
/// The camouflage stage (docs/ALGORITHMS.md, "Camouflage"): a poisoning perturbation decides the ORDER
/// of the classes, and the clean answer's own values fill that order. The answer is the clean
/// probabilities, sorted, handed out to the classes in the order the poisoning ranks them (MAD's
/// target y*, see <see cref="ITargetedPoisoning"/>; otherwise the poisoned answer); so
/// its top probability, margin, entropy, zeros and spread are exactly the clean answer's, and only
/// which class carries which value tells the levels apart. Whether the top class survives is the
/// poisoning's choice (MAD-argmax and the ladder's reverse sigmoid keep it, MAD's extreme vertex moves
/// the clean top value to its wrong class). Classes the poisoned answer ties (MAD's 0/1 targets,
/// reverse sigmoid's flattened tail) are ordered by a keyed hash of the clean row: the same input
/// always gets the same answer, as a clean answer does, and the order cannot be computed without the key.
/// </summary>
public sealed class Camouflage(IPerturbation poisoning, ulong key) : IPerturbation
{
    /// <summary>Above this many classes the scratch rows go to the heap instead of the stack.</summary>
    private const int StackClasses = 256;

    public IPerturbation Poisoning { get; } = poisoning;

    public bool NeedsSurrogate => Poisoning.NeedsSurrogate;

    // Every scratch value is written before it is read.
    [SkipLocalsInit]
    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
        var small = classes <= StackClasses;
        Span<float> clean = small ? stackalloc float[classes] : new float[classes];
        Span<int> order = small ? stackalloc int[classes] : new int[classes];
        Span<ulong> tieBreak = small ? stackalloc ulong[classes] : new ulong[classes];
        for (var offset = 0; offset < posteriors.Length; offset += classes)
        {
            var row = posteriors.Slice(offset, classes);
            row.CopyTo(clean);
            var rowSeed = XxHash3.HashToUInt64(MemoryMarshal.AsBytes((ReadOnlySpan<float>)clean), unchecked((long)key));

            // The row is overwritten with what ranks the classes: the target of a targeted poisoning,
            // else the poisoned answer, one row at a time and seeded by the row itself, so that a
            // random poisoning (gaussian noise) gives a repeated input the same answer.
            var surrogate = inputs.Surrogate.IsEmpty ? default : inputs.Surrogate.Slice(offset, classes);
            if (Poisoning is ITargetedPoisoning targeted)
            {
                targeted.WriteTarget(clean, surrogate, row);
            }
            else
            {
                Poisoning.Apply(row, classes, new PerturbationInputs(surrogate, rowSeed));
            }

            Rank(row, rowSeed, order, tieBreak);
            clean.Sort();
            for (var rank = 0; rank < classes; rank++)
            {
                row[order[rank]] = clean[classes - 1 - rank];
            }
        }
    }

    /// <summary>
    /// The classes from the poisoned answer's largest value to its smallest; equal values in an order
    /// drawn from <paramref name="seed"/>. Insertion sort: K is small (10 here) and nothing is allocated.
    /// </summary>
    private static void Rank(ReadOnlySpan<float> poisoned, ulong seed, Span<int> order, Span<ulong> tieBreak)
    {
        var random = new SplitMix64(seed);
        for (var k = 0; k < order.Length; k++)
        {
            tieBreak[k] = random.NextUInt64();
            var current = k;
            var position = k;
            while (position > 0 && Before(poisoned, tieBreak, current, order[position - 1]))
            {
                order[position] = order[position - 1];
                position--;
            }

            order[position] = current;
        }
    }

    private static bool Before(ReadOnlySpan<float> poisoned, ReadOnlySpan<ulong> tieBreak, int a, int b) =>
        poisoned[a] > poisoned[b] || (poisoned[a] == poisoned[b] && tieBreak[a] < tieBreak[b]);
}
