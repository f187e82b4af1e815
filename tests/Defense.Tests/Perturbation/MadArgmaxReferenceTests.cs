using System.Numerics;
using System.Numerics.Tensors;
using Mirage.Defense.Perturbation;

namespace Mirage.Defense.Tests.Perturbation;

/// <summary>
/// The exhaustive argmax search (K ≤ 10) ranks the masks a SIMD vector at a time without storing anything per
/// mask. These tests hold its choice, bit for bit, against the straightforward version it replaced: every
/// mask's sums stored, the ratio computed over whole arrays with TensorPrimitives, the first minimum taken,
/// and the full objective for degenerate rows. Equal choices need equal arithmetic, so near-ties that the
/// brute-force tests' tolerance would hide are covered too.
/// </summary>
public sealed class MadArgmaxReferenceTests
{
    private const double TieBreak = 1e-5;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(10)]
    public void Chooses_the_same_candidate_as_the_straightforward_ranking(int classes)
    {
        var random = new Random(300 + classes);
        var y = new double[classes];
        var p = new double[classes];
        var (expected, actual) = (new double[classes], new double[classes]);
        for (var r = 0; r < 400; r++)
        {
            var shape = (Shape)(r % 5);
            Fill(random, y, shape is Shape.FlatP ? Shape.Random : shape);
            Fill(random, p, shape is Shape.FlatY ? Shape.Random : shape);
            if (shape is Shape.Agreeing)
            {
                // y = p: the direction of y is undefined and the full objective decides.
                y.CopyTo(p, 0);
            }

            Reference(y, p, expected);
            Mad.ArgmaxTarget(y, p, actual);
            Assert.True(expected.SequenceEqual(actual), $"row {r}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
        }
    }

    private enum Shape
    {
        Random,
        FlatY,
        FlatP,
        Agreeing,

        /// <summary>Class 0 apart, the others equal in y and in p: every mask of a size ties exactly with the others.</summary>
        Stepped,
    }

    /// <summary>A posterior as the float pipeline gives it; flat and stepped rows make many masks tie exactly.</summary>
    private static void Fill(Random random, double[] row, Shape shape)
    {
        var floats = new float[row.Length];
        if (shape is Shape.FlatY or Shape.FlatP)
        {
            Array.Fill(floats, 1f / row.Length);
        }
        else if (shape is Shape.Stepped)
        {
            var (first, rest) = (random.NextSingle() + 0.1f, random.NextSingle() + 0.1f);
            var sum = first + rest * (row.Length - 1);
            Array.Fill(floats, rest / sum);
            floats[0] = first / sum;
        }
        else
        {
            RandomPosteriors.Row(random, floats);
        }

        for (var k = 0; k < row.Length; k++)
        {
            row[k] = floats[k];
        }
    }

    private static void Reference(double[] y, double[] p, double[] candidate)
    {
        var classes = y.Length;
        var top = 0;
        for (var k = 1; k < classes; k++)
        {
            if (y[k] > y[top])
            {
                top = k;
            }
        }

        double normP2 = 0, dotPD = 0, normD2 = 0;
        for (var k = 0; k < classes; k++)
        {
            var d = p[k] - y[k];
            normP2 += p[k] * p[k];
            dotPD += p[k] * d;
            normD2 += d * d;
        }

        var (pTop, dTop, normD) = (p[top], p[top] - y[top], Math.Sqrt(normD2));
        var others = Enumerable.Range(0, classes).Where(k => k != top).ToArray();
        var count = 1 << others.Length;
        var (sumP, sumD) = (new double[count], new double[count]);
        var (normPC2, offset, dot, dotOffset) = (new double[count], new double[count], new double[count], new double[count]);
        var weightTop = 1 + TieBreak;
        for (var mask = 0; mask < count; mask++)
        {
            if (mask > 0)
            {
                var rest = mask & (mask - 1);
                var k = others[BitOperations.TrailingZeroCount(mask)];
                sumP[mask] = sumP[rest] + p[k];
                sumD[mask] = sumD[rest] + (p[k] - y[k]);
            }

            var n = BitOperations.PopCount((uint)mask);
            var total = n + 1 + TieBreak;
            normPC2[mask] = -2 / total;
            offset[mask] = normP2 - 2 * weightTop * pTop / total + (weightTop * weightTop + n) / (total * total);
            dot[mask] = -1 / total;
            dotOffset[mask] = dotPD - weightTop * dTop / total;
        }

        var bestMask = -1;
        if (normD * normD > 1e-24)
        {
            TensorPrimitives.MultiplyAdd(sumP, normPC2, offset, normPC2);
            if (TensorPrimitives.Min<double>(normPC2) > 1e-24)
            {
                TensorPrimitives.Sqrt<double>(normPC2, normPC2);
                TensorPrimitives.MultiplyAdd(sumD, dot, dotOffset, dot);
                TensorPrimitives.Divide<double>(dot, normPC2, dot);
                bestMask = TensorPrimitives.IndexOfMin<double>(dot);
            }
        }

        if (bestMask < 0)
        {
            bestMask = 0;
            var bestValue = Objective(0, 0, 0);
            for (var mask = 1; mask < count; mask++)
            {
                var value = Objective(BitOperations.PopCount((uint)mask), sumP[mask], sumD[mask]);
                if (value > bestValue)
                {
                    (bestValue, bestMask) = (value, mask);
                }
            }
        }

        Array.Clear(candidate);
        candidate[top] = 1 + TieBreak;
        var size = 1;
        for (var b = 0; b < others.Length; b++)
        {
            if ((bestMask & (1 << b)) != 0)
            {
                candidate[others[b]] = 1;
                size++;
            }
        }

        for (var k = 0; k < classes; k++)
        {
            candidate[k] /= size + TieBreak;
        }

        double Objective(int size, double sumP, double sumD)
        {
            var total = size + 1 + TieBreak;
            var dotCP = (weightTop * pTop + sumP) / total;
            var dotCD = (weightTop * dTop + sumD) / total;
            var normC2 = (weightTop * weightTop + size) / (total * total);
            var normPC2 = Math.Max(0, normP2 - 2 * dotCP + normC2);
            var unitC = normPC2 > 1e-24 ? 1.0 : 0.0;
            var unitY = normD * normD > 1e-24 ? 1.0 : 0.0;
            var cos = unitC * unitY > 0 ? (dotPD - dotCD) / (Math.Sqrt(normPC2) * normD) : 0.0;
            return unitC + unitY - 2 * cos;
        }
    }
}
