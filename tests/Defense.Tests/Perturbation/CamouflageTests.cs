using Mirage.Defense.Escalation;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Tests.Perturbation;

public sealed class CamouflageTests
{
    private const int Classes = 10;
    private const int Rows = 2000;
    private const ulong Key = 0x5EED_CAFE;

    public static TheoryData<string> Poisonings => new() { "watch", "suspect", "attack", "mad_argmax_e1", "gaussian_noise" };

    [Theory]
    [MemberData(nameof(Poisonings))]
    public void Answers_have_no_exact_zeros_when_the_clean_answers_have_none(string name)
    {
        var (clean, surrogate) = ConfidentBatch(1);
        Assert.DoesNotContain(0f, clean);

        var answered = Camouflaged(name, clean, surrogate);

        for (var r = 0; r < Rows; r++)
        {
            Assert.True(answered.AsSpan(r * Classes, Classes).IndexOf(0f) < 0, $"{name}: row {r} has an exact zero");
        }
    }

    [Theory]
    [MemberData(nameof(Poisonings))]
    public void Sorted_values_are_exactly_the_clean_answers_own(string name)
    {
        var (clean, surrogate) = ConfidentBatch(2);
        var answered = Camouflaged(name, clean, surrogate);

        for (var r = 0; r < Rows; r++)
        {
            var expected = clean.AsSpan(r * Classes, Classes).ToArray();
            var got = answered.AsSpan(r * Classes, Classes).ToArray();
            Array.Sort(expected);
            Array.Sort(got);
            Assert.Equal(expected, got);
        }
    }

    [Theory]
    [InlineData("watch")]
    [InlineData("suspect")]
    [InlineData("mad_argmax_e1")]
    public void Argmax_keeping_levels_keep_the_true_top_class_on_top(string name)
    {
        var (clean, surrogate) = ConfidentBatch(3);
        var answered = Camouflaged(name, clean, surrogate);

        for (var r = 0; r < Rows; r++)
        {
            Assert.Equal(RandomPosteriors.ArgMax(clean.AsSpan(r * Classes, Classes)), RandomPosteriors.ArgMax(answered.AsSpan(r * Classes, Classes)));
        }
    }

    [Fact]
    public void Attack_puts_the_clean_top_value_on_the_class_mad_chose()
    {
        var (clean, surrogate) = ConfidentBatch(4);
        var raw = Raw("attack", clean, surrogate);
        var answered = Camouflaged("attack", clean, surrogate);

        var moved = 0;
        for (var r = 0; r < Rows; r++)
        {
            var cleanRow = clean.AsSpan(r * Classes, Classes);
            var row = answered.AsSpan(r * Classes, Classes);
            var chosen = RandomPosteriors.ArgMax(raw.AsSpan(r * Classes, Classes));
            Assert.Equal(chosen, RandomPosteriors.ArgMax(row));
            Assert.Equal(cleanRow[RandomPosteriors.ArgMax(cleanRow)], row[chosen]);
            moved += chosen != RandomPosteriors.ArgMax(cleanRow) ? 1 : 0;
        }

        // MAD's extreme vertex is a wrong class for almost every input: the attack level changes the label.
        Assert.True(moved > Rows * 9 / 10, $"only {moved} of {Rows} answers name another class");
    }

    [Theory]
    [MemberData(nameof(Poisonings))]
    public void The_classes_are_ranked_as_the_poisoned_answer_ranks_them(string name)
    {
        var (clean, surrogate) = ConfidentBatch(5);
        var raw = Raw(name, clean, surrogate);
        var answered = Camouflaged(name, clean, surrogate);

        for (var r = 0; r < Rows; r++)
        {
            var poisoned = raw.AsSpan(r * Classes, Classes);
            var row = answered.AsSpan(r * Classes, Classes);
            for (var a = 0; a < Classes; a++)
            {
                for (var b = 0; b < Classes; b++)
                {
                    Assert.False(poisoned[a] > poisoned[b] && row[a] < row[b],
                        $"{name} row {r}: poison ranks class {a} above {b}, the answer below");
                }
            }
        }
    }

    [Fact]
    public void Tied_classes_are_shuffled_by_the_key_not_left_in_class_order()
    {
        // At "attack" the raw answer is a one-hot: the nine other classes tie, and the true class must
        // not be recognisable as the runner-up (it would be a free label for a copy).
        var (clean, surrogate) = ConfidentBatch(6);
        var answered = Camouflaged("attack", clean, surrogate);
        var otherKey = Camouflaged("attack", clean, surrogate, key: Key + 1);

        int trueClassSecond = 0, lowestIndexSecond = 0, keysDiffer = 0;
        for (var r = 0; r < Rows; r++)
        {
            var row = answered.AsSpan(r * Classes, Classes);
            var top = RandomPosteriors.ArgMax(row);
            var second = SecondLargest(row);
            trueClassSecond += second == RandomPosteriors.ArgMax(clean.AsSpan(r * Classes, Classes)) ? 1 : 0;
            lowestIndexSecond += second == (top == 0 ? 1 : 0) ? 1 : 0;
            keysDiffer += row.SequenceEqual(otherKey.AsSpan(r * Classes, Classes)) ? 0 : 1;
        }

        // Uniform over nine classes: about 222 of 2,000 each.
        Assert.InRange(trueClassSecond, 120, 330);
        Assert.InRange(lowestIndexSecond, 120, 330);
        Assert.True(keysDiffer > Rows * 8 / 10, $"another key changed only {keysDiffer} answers");
    }

    [Theory]
    [InlineData("attack")]
    [InlineData("gaussian_noise")]
    public void The_same_input_gets_the_same_answer_in_any_request(string name)
    {
        var (clean, surrogate) = ConfidentBatch(7);
        var first = Camouflaged(name, clean, surrogate, requestSeed: 1);

        // The same rows in another order, in a request with another seed.
        var reversed = Reverse(clean);
        var second = Reverse(Camouflaged(name, reversed, Reverse(surrogate), requestSeed: 99));

        Assert.Equal(first, second);
    }

    [Fact]
    public void The_catalog_camouflages_every_poisoning_by_default_and_never_a_visible_policy()
    {
        Assert.All(EscalationLadder.Default.Levels.Skip(1), level =>
            Assert.IsType<Camouflage>(PerturbationCatalog.Create(level.Policy, Key)));
        Assert.IsType<Camouflage>(PerturbationCatalog.Create(new() { Method = PerturbationMethod.GaussianNoise }, Key));
        Assert.IsType<ReverseSigmoid>(PerturbationCatalog.Create(
            new() { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.5, Gamma = 0.5, Camouflage = false }, Key));
        Assert.IsType<Mad>(PerturbationCatalog.Create(new() { Method = PerturbationMethod.Mad, Camouflage = false }, Key));
        Assert.IsType<TopK>(PerturbationCatalog.Create(new() { Method = PerturbationMethod.TopK, K = 2 }, Key));
        Assert.Same(LabelOnly.Instance, PerturbationCatalog.Create(new() { Method = PerturbationMethod.LabelOnly, Camouflage = false }, Key));
    }

    [Fact]
    public void Camouflage_on_a_visible_policy_is_refused_with_what_to_fix()
    {
        Assert.Equal(
            "camouflage applies to reverse_sigmoid, gaussian_noise and mad; top_k answers are visible by design",
            PerturbationCatalog.Problem(new PerturbationPolicy { Method = PerturbationMethod.TopK, K = 1, Camouflage = true }));
    }

    [Fact]
    public void A_batch_is_answered_without_allocating()
    {
        var (clean, surrogate) = ConfidentBatch(8);
        var camouflage = PerturbationCatalog.Create(Policy("suspect"), Key);
        var work = clean.AsSpan(0, 64 * Classes).ToArray();
        camouflage.Apply(work, Classes, new PerturbationInputs(surrogate.AsSpan(0, work.Length), 1));

        clean.AsSpan(0, work.Length).CopyTo(work);
        var before = GC.GetAllocatedBytesForCurrentThread();
        camouflage.Apply(work, Classes, new PerturbationInputs(surrogate.AsSpan(0, work.Length), 2));
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    /// <summary>The ladder's levels by name, and two pinned policies operators may choose.</summary>
    private static PerturbationPolicy Policy(string name) => name switch
    {
        "watch" => EscalationLadder.Default.Levels[1].Policy,
        "suspect" => EscalationLadder.Default.Levels[2].Policy,
        "attack" => EscalationLadder.Default.Levels[3].Policy,
        "mad_argmax_e1" => new() { Method = PerturbationMethod.Mad, Epsilon = 1, Norm = MadNorm.L1, Argmax = true },
        _ => new() { Method = PerturbationMethod.GaussianNoise, Scale = 0.2 },
    };

    private static float[] Camouflaged(string name, float[] clean, float[] surrogate, ulong key = Key, ulong requestSeed = 3)
    {
        var answered = clean.ToArray();
        var perturbation = PerturbationCatalog.Create(Policy(name), key);
        Assert.IsType<Camouflage>(perturbation);
        perturbation.Apply(answered, Classes, new PerturbationInputs(surrogate, requestSeed));
        return answered;
    }

    /// <summary>
    /// What ranks the classes, written out independently: MAD's target, else the poisoning's own
    /// answer row by row with the seed the camouflage gives it.
    /// </summary>
    private static float[] Raw(string name, float[] clean, float[] surrogate)
    {
        var answered = clean.ToArray();
        var poisoning = ((Camouflage)PerturbationCatalog.Create(Policy(name), Key)).Poisoning;
        for (var r = 0; r < Rows; r++)
        {
            var row = answered.AsSpan(r * Classes, Classes);
            if (poisoning is Mad mad)
            {
                mad.WriteTarget(clean.AsSpan(r * Classes, Classes), surrogate.AsSpan(r * Classes, Classes), row);
                continue;
            }

            var seed = System.IO.Hashing.XxHash3.HashToUInt64(
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(clean.AsSpan(r * Classes, Classes)), unchecked((long)Key));
            poisoning.Apply(row, Classes, new PerturbationInputs(surrogate.AsSpan(r * Classes, Classes), seed));
        }

        return answered;
    }

    /// <summary>Softmax of wide logits: mostly confident rows, as the victim answers, with no zeros.</summary>
    private static (float[] Clean, float[] Surrogate) ConfidentBatch(int seed)
    {
        var random = new Random(seed);
        var clean = new float[Rows * Classes];
        var logits = new double[Classes];
        for (var r = 0; r < Rows; r++)
        {
            var row = clean.AsSpan(r * Classes, Classes);
            var scale = 1 + random.NextDouble() * 5;
            for (var k = 0; k < Classes; k++)
            {
                logits[k] = scale * (random.NextDouble() * 2 - 1) * 2.5;
            }

            var max = double.NegativeInfinity;
            foreach (var l in logits)
            {
                max = Math.Max(max, l);
            }

            var sum = 0.0;
            for (var k = 0; k < Classes; k++)
            {
                sum += Math.Exp(logits[k] - max);
            }

            for (var k = 0; k < Classes; k++)
            {
                row[k] = (float)(Math.Exp(logits[k] - max) / sum);
            }
        }

        return (clean, RandomPosteriors.Batch(random, Rows, Classes));
    }

    private static int SecondLargest(ReadOnlySpan<float> row)
    {
        var top = RandomPosteriors.ArgMax(row);
        var second = top == 0 ? 1 : 0;
        for (var k = 0; k < row.Length; k++)
        {
            if (k != top && row[k] > row[second])
            {
                second = k;
            }
        }

        return second;
    }

    private static float[] Reverse(float[] batch)
    {
        var reversed = new float[batch.Length];
        for (var r = 0; r < batch.Length / Classes; r++)
        {
            batch.AsSpan(r * Classes, Classes).CopyTo(reversed.AsSpan((batch.Length / Classes - 1 - r) * Classes, Classes));
        }

        return reversed;
    }
}
