using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Tests.Perturbation;

public sealed class MadTests
{
    [Theory]
    [InlineData(MadNorm.L1, 0.5, false)]
    [InlineData(MadNorm.L1, 1.2, true)]
    [InlineData(MadNorm.L2, 0.3, false)]
    [InlineData(MadNorm.L2, 0.8, true)]
    public void Stays_within_its_budget_in_the_chosen_norm(MadNorm norm, double epsilon, bool argmax)
    {
        var random = new Random(5);
        var (y, p) = (RandomPosteriors.Batch(random, 500, 10), RandomPosteriors.Batch(random, 500, 10));
        var answered = y.ToArray();
        new Mad(epsilon, norm, argmax).Apply(answered, 10, new PerturbationInputs(p, 0));

        for (var r = 0; r < 500; r++)
        {
            var distance = Mad.Distance(Doubles(y, r, 10), Doubles(answered, r, 10), norm);
            Assert.True(distance <= epsilon + 1e-6, $"row {r}: distance {distance} > ε {epsilon}");
        }

        RandomPosteriors.AssertProbabilityVectors(answered, 10, "mad");
    }

    [Fact]
    public void The_argmax_oracle_keeps_the_top_class_on_every_input()
    {
        var random = new Random(9);
        foreach (var classes in new[] { 3, 5, 10, 12, 20 })
        {
            var (y, p) = (RandomPosteriors.Batch(random, 300, classes), RandomPosteriors.Batch(random, 300, classes));
            var answered = y.ToArray();
            new Mad(2.0, MadNorm.L1, argmax: true).Apply(answered, classes, new PerturbationInputs(p, 0));
            for (var r = 0; r < 300; r++)
            {
                Assert.Equal(RandomPosteriors.ArgMax(y.AsSpan(r * classes, classes)), RandomPosteriors.ArgMax(answered.AsSpan(r * classes, classes)));
            }
        }
    }

    [Fact]
    public void Epsilon_zero_changes_nothing()
    {
        var random = new Random(2);
        var (y, p) = (RandomPosteriors.Batch(random, 100, 10), RandomPosteriors.Batch(random, 100, 10));
        foreach (var argmax in new[] { false, true })
        {
            var answered = y.ToArray();
            new Mad(0, MadNorm.L1, argmax).Apply(answered, 10, new PerturbationInputs(p, 0));
            for (var i = 0; i < y.Length; i++)
            {
                Assert.True(Math.Abs(y[i] - answered[i]) <= 1e-6);
            }
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(10)]
    public void Epsilon_two_in_l1_returns_the_best_vertex_found_by_brute_force(int classes)
    {
        var random = new Random(classes);
        var (y, p) = (RandomPosteriors.Batch(random, 200, classes), RandomPosteriors.Batch(random, 200, classes));
        var answered = y.ToArray();
        new Mad(2.0, MadNorm.L1, argmax: false).Apply(answered, classes, new PerturbationInputs(p, 0));

        for (var r = 0; r < 200; r++)
        {
            var (yRow, pRow) = (Doubles(y, r, classes), Doubles(p, r, classes));
            var objectives = Enumerable.Range(0, classes).Select(k => NaiveObjective(yRow, pRow, Vertex(classes, k))).ToArray();
            var best = Array.IndexOf(objectives, objectives.Max());
            var answer = Doubles(answered, r, classes);
            Assert.True(Math.Abs(answer[best] - 1) <= 1e-6, $"row {r}: expected vertex {best}, got [{string.Join(", ", answer)}]");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(10)]
    public void The_argmax_oracle_picks_the_best_of_every_candidate_for_k_up_to_10(int classes)
    {
        var random = new Random(100 + classes);
        var (y, p) = (RandomPosteriors.Batch(random, 60, classes), RandomPosteriors.Batch(random, 60, classes));
        var answered = y.ToArray();
        new Mad(2.0, MadNorm.L1, argmax: true).Apply(answered, classes, new PerturbationInputs(p, 0));

        for (var r = 0; r < 60; r++)
        {
            var (yRow, pRow) = (Doubles(y, r, classes), Doubles(p, r, classes));
            var top = Array.IndexOf(yRow, yRow.Max());
            var best = AllArgmaxCandidates(classes, top).Select(c => NaiveObjective(yRow, pRow, c)).Max();
            var chosen = NaiveObjective(yRow, pRow, Doubles(answered, r, classes));
            Assert.True(chosen >= best - 1e-6, $"row {r}: chosen objective {chosen} < best {best}");
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(40)]
    public void Above_10_classes_the_greedy_argmax_oracle_keeps_the_top_class_and_beats_the_one_hot(int classes)
    {
        var random = new Random(200 + classes);
        var (y, p) = (RandomPosteriors.Batch(random, 40, classes), RandomPosteriors.Batch(random, 40, classes));
        var answered = y.ToArray();
        new Mad(2.0, MadNorm.L1, argmax: true).Apply(answered, classes, new PerturbationInputs(p, 0));

        for (var r = 0; r < 40; r++)
        {
            var (yRow, pRow) = (Doubles(y, r, classes), Doubles(p, r, classes));
            var top = Array.IndexOf(yRow, yRow.Max());
            var answer = Doubles(answered, r, classes);
            Assert.Equal(top, Array.IndexOf(answer, answer.Max()));
            var oneHot = Vertex(classes, top);
            Assert.True(NaiveObjective(yRow, pRow, answer) >= NaiveObjective(yRow, pRow, oneHot) - 1e-6);
        }
    }

    [Fact]
    public void Without_a_surrogate_the_victims_own_posterior_serves()
    {
        var random = new Random(4);
        var y = RandomPosteriors.Batch(random, 50, 10);
        var answered = y.ToArray();
        new Mad(1.0, MadNorm.L1, argmax: false).Apply(answered, 10, new PerturbationInputs([], 0));
        RandomPosteriors.AssertProbabilityVectors(answered, 10, "mad without surrogate");
    }

    [Fact]
    public void The_argmax_oracle_handles_a_surrogate_that_agrees_with_the_victim()
    {
        // y = p leaves the gradient direction undefined: the search falls back to the full objective.
        var random = new Random(5);
        var y = RandomPosteriors.Batch(random, 50, 10);
        var answered = y.ToArray();
        new Mad(1.0, MadNorm.L1, argmax: true).Apply(answered, 10, new PerturbationInputs(y, 0));
        RandomPosteriors.AssertProbabilityVectors(answered, 10, "mad-argmax with y = p");
        for (var r = 0; r < 50; r++)
        {
            var (before, after) = (Doubles(y, r, 10), Doubles(answered, r, 10));
            Assert.Equal(Array.IndexOf(before, before.Max()), Array.IndexOf(after, after.Max()));
        }
    }

    private static double NaiveObjective(double[] y, double[] p, double[] c)
    {
        var dc = p.Zip(c, (a, b) => a - b).ToArray();
        var dy = p.Zip(y, (a, b) => a - b).ToArray();
        var nc = Math.Sqrt(dc.Sum(v => v * v));
        var ny = Math.Sqrt(dy.Sum(v => v * v));
        return dc.Zip(dy, (a, b) => a / nc - b / ny).Sum(v => v * v);
    }

    private static IEnumerable<double[]> AllArgmaxCandidates(int classes, int top)
    {
        var others = Enumerable.Range(0, classes).Where(k => k != top).ToArray();
        for (var mask = 0; mask < 1 << others.Length; mask++)
        {
            var c = new double[classes];
            c[top] = 1 + 1e-5;
            for (var b = 0; b < others.Length; b++)
            {
                if ((mask & (1 << b)) != 0)
                {
                    c[others[b]] = 1;
                }
            }

            var sum = c.Sum();
            yield return c.Select(v => v / sum).ToArray();
        }
    }

    private static double[] Vertex(int classes, int k)
    {
        var v = new double[classes];
        v[k] = 1;
        return v;
    }

    private static double[] Doubles(float[] batch, int row, int classes) =>
        batch.AsSpan(row * classes, classes).ToArray().Select(v => (double)v).ToArray();
}
