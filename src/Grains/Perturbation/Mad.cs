using System.Buffers;
using System.Numerics.Tensors;
using Mirage.Interfaces.Defense;

namespace Mirage.Grains.Perturbation;

/// <summary>
/// "mad" {epsilon, norm, argmax} (Orekondy et al., Prediction Poisoning, ICLR 2020): answer the point
/// ỹ within distance ε of y whose training gradient for the attacker points as far as possible from
/// the one y would give. For the last layer the gradient direction depends only on p − ỹ (p: the
/// surrogate's posterior), so the objective is ‖(p − c)/‖p − c‖ − (p − y)/‖p − y‖‖² over candidates c.
/// The extreme oracle tries every vertex; the argmax oracle (MAD-argmax) tries the normalised 0/1
/// vectors that contain y's top class, so the answer keeps it. The budget is spent by linesearch:
/// ỹ = (1 − α)·y + α·y*, α = clamp(ε / (‖y − y*‖ + 1e-7), 0, 1).
/// </summary>
public sealed class Mad(double epsilon, MadNorm norm, bool argmax) : IPerturbation
{
    /// <summary>Candidates the greedy argmax oracle evaluates at most (K > 10).</summary>
    public const int GreedyEvaluations = 1024;

    private const int ExhaustiveClasses = 10;
    private const double TieBreak = 1e-5;
    private const int MaskColumns = 6;

    public double Epsilon { get; } = epsilon;

    public MadNorm Norm { get; } = norm;

    public bool ArgmaxOracle { get; } = argmax;

    public bool NeedsSurrogate => true;

    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
        var surrogate = inputs.Surrogate.IsEmpty ? posteriors : inputs.Surrogate;
        Span<double> scratch = classes <= 256 ? stackalloc double[3 * classes] : new double[3 * classes];
        // The exhaustive argmax search keeps six numbers per candidate mask (≤ 512 of them): 24 KB, pooled
        // rather than stack-allocated because the stack's copy would be zeroed on every call.
        var maskBuffer = ArgmaxOracle && classes <= ExhaustiveClasses
            ? ArrayPool<double>.Shared.Rent(MaskColumns << (classes - 1))
            : [];
        var masks = maskBuffer.AsSpan();
        var y = scratch[..classes];
        var p = scratch.Slice(classes, classes);
        var target = scratch.Slice(2 * classes, classes);
        for (var offset = 0; offset < posteriors.Length; offset += classes)
        {
            var row = posteriors.Slice(offset, classes);
            for (var k = 0; k < classes; k++)
            {
                y[k] = row[k];
                p[k] = surrogate[offset + k];
            }

            if (ArgmaxOracle)
            {
                ArgmaxTarget(y, p, target, masks);
            }
            else
            {
                ExtremeTarget(y, p, target);
            }

            var alpha = Math.Clamp(Epsilon / (Distance(y, target, Norm) + 1e-7), 0, 1);
            var sum = 0.0;
            for (var k = 0; k < classes; k++)
            {
                y[k] = (1 - alpha) * y[k] + alpha * target[k];
                sum += y[k];
            }

            for (var k = 0; k < classes; k++)
            {
                row[k] = (float)(y[k] / sum);
            }
        }

        if (maskBuffer.Length > 0)
        {
            ArrayPool<double>.Shared.Return(maskBuffer);
        }
    }

    /// <summary>‖(p − c)/‖p − c‖ − (p − y)/‖p − y‖‖², with a zero direction where a difference vanishes.</summary>
    public static double Objective(ReadOnlySpan<double> y, ReadOnlySpan<double> p, ReadOnlySpan<double> c)
    {
        double normC = 0, normY = 0, dot = 0;
        for (var k = 0; k < y.Length; k++)
        {
            var dc = p[k] - c[k];
            var dy = p[k] - y[k];
            normC += dc * dc;
            normY += dy * dy;
            dot += dc * dy;
        }

        var unitC = normC > 1e-24 ? 1.0 : 0.0;
        var unitY = normY > 1e-24 ? 1.0 : 0.0;
        var cos = unitC * unitY > 0 ? dot / Math.Sqrt(normC * normY) : 0.0;
        return unitC + unitY - 2 * cos;
    }

    public static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, MadNorm norm)
    {
        var total = 0.0;
        for (var k = 0; k < a.Length; k++)
        {
            var d = Math.Abs(a[k] - b[k]);
            total += norm == MadNorm.L1 ? d : d * d;
        }

        return norm == MadNorm.L1 ? total : Math.Sqrt(total);
    }

    /// <summary>The vertex e_k that maximises the objective (first on ties).</summary>
    private static void ExtremeTarget(ReadOnlySpan<double> y, ReadOnlySpan<double> p, Span<double> target)
    {
        var best = 0;
        var bestValue = double.NegativeInfinity;
        for (var k = 0; k < y.Length; k++)
        {
            target.Clear();
            target[k] = 1;
            var value = Objective(y, p, target);
            if (value > bestValue)
            {
                bestValue = value;
                best = k;
            }
        }

        target.Clear();
        target[best] = 1;
    }

    /// <summary>
    /// The best normalised 0/1 vector containing y's top class: all 2^(K−1) of them for K ≤ 10, greedy
    /// above. A candidate is the top class (weight 1 + 1e-5) plus a set S of others (weight 1 each), so its
    /// objective needs only |S|, Σ_S p and Σ_S (p − y): each candidate costs O(1), not O(K).
    /// </summary>
    private static void ArgmaxTarget(ReadOnlySpan<double> y, ReadOnlySpan<double> p, Span<double> target, Span<double> masks)
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

        var geometry = new CandidateGeometry(y, p, top);
        if (classes <= ExhaustiveClasses)
        {
            // Subsets of the other K − 1 classes as bit masks.
            Span<int> others = stackalloc int[classes - 1];
            for (int k = 0, i = 0; k < classes; k++)
            {
                if (k != top)
                {
                    others[i++] = k;
                }
            }

            FillSubset(target, top, geometry.BestMask(y, p, others, masks));
            return;
        }

        Span<bool> chosen = classes <= 1024 ? stackalloc bool[classes] : new bool[classes];
        chosen.Clear();
        chosen[top] = true;
        var (chosenSize, chosenP, chosenD) = (0, 0.0, 0.0);
        var best = geometry.Objective(0, 0, 0);
        Span<bool> bestSet = classes <= 1024 ? stackalloc bool[classes] : new bool[classes];
        chosen.CopyTo(bestSet);
        var evaluations = 1;
        while (chosenSize + 1 < classes && evaluations < GreedyEvaluations)
        {
            var bestAddition = -1;
            var bestAdditionValue = double.NegativeInfinity;
            for (var j = 0; j < classes && evaluations < GreedyEvaluations; j++)
            {
                if (chosen[j])
                {
                    continue;
                }

                evaluations++;
                var value = geometry.Objective(chosenSize + 1, chosenP + p[j], chosenD + (p[j] - y[j]));
                if (value > bestAdditionValue)
                {
                    bestAdditionValue = value;
                    bestAddition = j;
                }
            }

            if (bestAddition < 0)
            {
                break;
            }

            chosen[bestAddition] = true;
            chosenSize++;
            chosenP += p[bestAddition];
            chosenD += p[bestAddition] - y[bestAddition];
            if (bestAdditionValue > best)
            {
                best = bestAdditionValue;
                chosen.CopyTo(bestSet);
            }
        }

        FillChosen(target, bestSet, top, bestSet.Count(true));
    }

    /// <summary>What every argmax candidate shares: p, y and the top class, reduced to a few sums.</summary>
    private readonly ref struct CandidateGeometry
    {
        private readonly double _pTop;
        private readonly double _dTop;
        private readonly double _normP2;
        private readonly double _dotPD;
        private readonly double _normD;

        public CandidateGeometry(ReadOnlySpan<double> y, ReadOnlySpan<double> p, int top)
        {
            double normP2 = 0, dotPD = 0, normD2 = 0;
            for (var k = 0; k < y.Length; k++)
            {
                var d = p[k] - y[k];
                normP2 += p[k] * p[k];
                dotPD += p[k] * d;
                normD2 += d * d;
            }

            (_pTop, _dTop, _normP2, _dotPD, _normD) = (p[top], p[top] - y[top], normP2, dotPD, Math.Sqrt(normD2));
        }

        /// <summary>The objective of the top class plus <paramref name="size"/> others with the given sums of p and p − y.</summary>
        public double Objective(int size, double sumP, double sumD)
        {
            var total = size + 1 + TieBreak;
            var weightTop = 1 + TieBreak;
            var dotCP = (weightTop * _pTop + sumP) / total;
            var dotCD = (weightTop * _dTop + sumD) / total;
            var normC2 = (weightTop * weightTop + size) / (total * total);
            var normPC2 = Math.Max(0, _normP2 - 2 * dotCP + normC2);
            var unitC = normPC2 > 1e-24 ? 1.0 : 0.0;
            var unitY = _normD * _normD > 1e-24 ? 1.0 : 0.0;
            var cos = unitC * unitY > 0 ? (_dotPD - dotCD) / (Math.Sqrt(normPC2) * _normD) : 0.0;
            return unitC + unitY - 2 * cos;
        }

        /// <summary>
        /// The best mask over <paramref name="others"/> (first on ties). With n = |S|, T = n + 1 + 1e-5,
        /// w = 1 + 1e-5 and d = p − y, a candidate c has ‖p − c‖² = ‖p‖² − 2(w·p_top + Σ_S p)/T + (w² + n)/T²
        /// and (p − c)·d = p·d − (w·d_top + Σ_S d)/T, both linear in the mask's sums. The objective
        /// 2 − 2·(p − c)·d / (‖p − c‖‖d‖) is largest where (p − c)·d / ‖p − c‖ is smallest, so all masks are
        /// ranked at once with SIMD: two multiply-adds, a square root, a division and a minimum. Degenerate
        /// rows (y = p, or a candidate equal to p) go through the full objective one mask at a time.
        /// </summary>
        public int BestMask(ReadOnlySpan<double> y, ReadOnlySpan<double> p, ReadOnlySpan<int> others, Span<double> masks)
        {
            var count = 1 << others.Length;
            var sumP = masks[..count];
            var sumD = masks.Slice(count, count);
            var normPC2 = masks.Slice(2 * count, count);
            var offset = masks.Slice(3 * count, count);
            var dot = masks.Slice(4 * count, count);
            var dotOffset = masks.Slice(5 * count, count);

            // Per subset size: the coefficients of the two linear forms.
            Span<double> bySize = stackalloc double[4 * (ExhaustiveClasses + 1)];
            var weightTop = 1 + TieBreak;
            for (var n = 0; n <= others.Length; n++)
            {
                var total = n + 1 + TieBreak;
                bySize[4 * n] = -2 / total;
                bySize[4 * n + 1] = _normP2 - 2 * weightTop * _pTop / total + (weightTop * weightTop + n) / (total * total);
                bySize[4 * n + 2] = -1 / total;
                bySize[4 * n + 3] = _dotPD - weightTop * _dTop / total;
            }

            // Each mask's sums extend those of the mask without its lowest bit; the slopes land where the
            // multiply-adds below write their results.
            sumP[0] = sumD[0] = 0;
            for (var mask = 0; mask < count; mask++)
            {
                if (mask > 0)
                {
                    var rest = mask & (mask - 1);
                    var k = others[System.Numerics.BitOperations.TrailingZeroCount(mask)];
                    sumP[mask] = sumP[rest] + p[k];
                    sumD[mask] = sumD[rest] + (p[k] - y[k]);
                }

                var n = System.Numerics.BitOperations.PopCount((uint)mask);
                normPC2[mask] = bySize[4 * n];
                offset[mask] = bySize[4 * n + 1];
                dot[mask] = bySize[4 * n + 2];
                dotOffset[mask] = bySize[4 * n + 3];
            }

            if (_normD * _normD > 1e-24)
            {
                TensorPrimitives.MultiplyAdd(sumP, normPC2, offset, normPC2);
                if (TensorPrimitives.Min(normPC2) > 1e-24)
                {
                    TensorPrimitives.Sqrt(normPC2, normPC2);
                    TensorPrimitives.MultiplyAdd(sumD, dot, dotOffset, dot);
                    TensorPrimitives.Divide(dot, normPC2, dot);
                    return TensorPrimitives.IndexOfMin(dot);
                }
            }

            var bestMask = 0;
            var bestValue = Objective(0, 0, 0);
            for (var mask = 1; mask < count; mask++)
            {
                var value = Objective(System.Numerics.BitOperations.PopCount((uint)mask), sumP[mask], sumD[mask]);
                if (value > bestValue)
                {
                    bestValue = value;
                    bestMask = mask;
                }
            }

            return bestMask;
        }
    }

    /// <summary>The candidate of a mask over the classes other than <paramref name="top"/>.</summary>
    private static void FillSubset(Span<double> candidate, int top, int mask)
    {
        candidate.Clear();
        var size = 1;
        candidate[top] = 1 + TieBreak;
        for (int k = 0, bit = 0; k < candidate.Length; k++)
        {
            if (k == top)
            {
                continue;
            }

            if ((mask & (1 << bit)) != 0)
            {
                candidate[k] = 1;
                size++;
            }

            bit++;
        }

        Scale(candidate, size);
    }

    private static void FillChosen(Span<double> candidate, ReadOnlySpan<bool> chosen, int top, int size)
    {
        for (var k = 0; k < candidate.Length; k++)
        {
            candidate[k] = chosen[k] ? 1 : 0;
        }

        candidate[top] += TieBreak;
        Scale(candidate, size);
    }

    private static void Scale(Span<double> candidate, int size)
    {
        var total = size + TieBreak;
        for (var k = 0; k < candidate.Length; k++)
        {
            candidate[k] /= total;
        }
    }
}
