using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Perturbation;

/// <summary>
/// "mad" {epsilon, norm, argmax} (Orekondy et al., Prediction Poisoning, ICLR 2020): answer the point
/// ỹ within distance ε of y whose training gradient for the attacker points as far as possible from
/// the one y would give. For the last layer the gradient direction depends only on p − ỹ (p: the
/// surrogate's posterior), so the objective is ‖(p − c)/‖p − c‖ − (p − y)/‖p − y‖‖² over candidates c.
/// The extreme oracle tries every vertex; the argmax oracle (MAD-argmax) tries the normalised 0/1
/// vectors that contain y's top class, so the answer keeps it. The budget is spent by linesearch:
/// ỹ = (1 − α)·y + α·y*, α = clamp(ε / (‖y − y*‖ + 1e-7), 0, 1).
/// </summary>
public sealed class Mad(double epsilon, MadNorm norm, bool argmax) : ITargetedPoisoning
{
    /// <summary>Candidates the greedy argmax oracle evaluates at most (K > 10).</summary>
    public const int GreedyEvaluations = 1024;

    private const int ExhaustiveClasses = 10;
    private const double TieBreak = 1e-5;

    public double Epsilon { get; } = epsilon;

    public MadNorm Norm { get; } = norm;

    public bool ArgmaxOracle { get; } = argmax;

    public bool NeedsSurrogate => true;

    // No zeroing of the stack buffers: every one is written before it is read.
    [SkipLocalsInit]
    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
        var surrogate = inputs.Surrogate.IsEmpty ? posteriors : inputs.Surrogate;
        Span<double> scratch = classes <= 256 ? stackalloc double[3 * classes] : new double[3 * classes];
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

            ChooseTarget(y, p, target);
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
    }

    /// <summary>The oracle's y* for one row (ε = 0: the row itself, since no budget means no move).</summary>
    [SkipLocalsInit]
    public void WriteTarget(ReadOnlySpan<float> row, ReadOnlySpan<float> surrogate, Span<float> target)
    {
        var classes = row.Length;
        if (Epsilon == 0)
        {
            row.CopyTo(target);
            return;
        }

        var p = surrogate.IsEmpty ? row : surrogate;
        Span<double> scratch = classes <= 256 ? stackalloc double[3 * classes] : new double[3 * classes];
        var yD = scratch[..classes];
        var pD = scratch.Slice(classes, classes);
        var targetD = scratch.Slice(2 * classes, classes);
        for (var k = 0; k < classes; k++)
        {
            yD[k] = row[k];
            pD[k] = p[k];
        }

        ChooseTarget(yD, pD, targetD);
        for (var k = 0; k < classes; k++)
        {
            target[k] = (float)targetD[k];
        }
    }

    private void ChooseTarget(ReadOnlySpan<double> y, ReadOnlySpan<double> p, Span<double> target)
    {
        if (ArgmaxOracle)
        {
            ArgmaxTarget(y, p, target);
        }
        else
        {
            ExtremeTarget(y, p, target);
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
    /// objective needs only |S|, Σ_S p and Σ_S (p − y): each candidate costs O(1), not O(K). Internal so the
    /// tests can hold its choice, bit for bit, against a straightforward ranking.
    /// </summary>
    [SkipLocalsInit]
    internal static void ArgmaxTarget(ReadOnlySpan<double> y, ReadOnlySpan<double> p, Span<double> target)
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
            // Subsets of the other K − 1 classes as bit masks: bit i stands for the i-th class other than the top
            // one, and all a mask's objective needs of that class is p and p − y.
            Span<double> otherP = stackalloc double[ExhaustiveClasses - 1];
            Span<double> otherD = stackalloc double[ExhaustiveClasses - 1];
            var others = 0;
            for (var k = 0; k < classes; k++)
            {
                if (k != top)
                {
                    otherP[others] = p[k];
                    otherD[others++] = p[k] - y[k];
                }
            }

            FillSubset(target, top, geometry.BestMask(otherP[..others], otherD[..others]));
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
        /// The best mask over the other classes (first on ties), given each one's p and d = p − y. With n = |S|,
        /// T = n + 1 + 1e-5 and w = 1 + 1e-5, a candidate c has ‖p − c‖² = ‖p‖² − 2(w·p_top + Σ_S p)/T + (w² + n)/T²
        /// and (p − c)·d = p·d − (w·d_top + Σ_S d)/T, both linear in the mask's sums. The objective
        /// 2 − 2·(p − c)·d / (‖p − c‖‖d‖) is largest where (p − c)·d / ‖p − c‖ is smallest, so the masks are
        /// ranked by that ratio, a SIMD vector of consecutive masks at a time. Degenerate rows (y = p, or a
        /// candidate equal to p) go through the full objective one mask at a time.
        /// </summary>
        /// <remarks>
        /// Every number is computed with the same operations in the same order as the straightforward version
        /// (sums built by sum(mask) = sum(mask without its lowest bit) + value(lowest bit), then multiply, add,
        /// square root, divide, first minimum), so the choice is bit-for-bit that version's. Nothing is stored
        /// per mask (that version wrote six 512-long columns per row into a rented 24 KB buffer), which is what
        /// made it cost about 2 µs a row.
        /// </remarks>
        [SkipLocalsInit]
        public int BestMask(ReadOnlySpan<double> otherP, ReadOnlySpan<double> otherD)
        {
            var count = 1 << otherP.Length;

            // A mask's low laneBits bits pick its lane in a vector, the rest its block (one vector per block).
            var laneBits = count >= Lanes.Count ? Lanes.Bits : 0;
            var blocks = count >> laneBits;

            // Sums of p and d over each block's own bits, by the recurrence above: the lanes then add their low bits
            // on top, highest first, which is the order the recurrence adds them in too.
            Span<double> blockP = stackalloc double[blocks];
            Span<double> blockD = stackalloc double[blocks];
            blockP[0] = blockD[0] = 0;
            for (var b = 1; b < blocks; b++)
            {
                var rest = b & (b - 1);
                var i = laneBits + BitOperations.TrailingZeroCount(b);
                blockP[b] = blockP[rest] + otherP[i];
                blockD[b] = blockD[rest] + otherD[i];
            }

            if (_normD * _normD > 1e-24)
            {
                // Per subset size n, the offsets of the two linear forms (their slopes, −2/T and −1/T, do not
                // depend on the row).
                Span<double> offsetP = stackalloc double[ExhaustiveClasses];
                Span<double> offsetD = stackalloc double[ExhaustiveClasses];
                var weightTop = 1 + TieBreak;
                for (var n = 0; n <= otherP.Length; n++)
                {
                    var total = n + 1 + TieBreak;
                    offsetP[n] = _normP2 - 2 * weightTop * _pTop / total + (weightTop * weightTop + n) / (total * total);
                    offsetD[n] = _dotPD - weightTop * _dTop / total;
                }

                var best = laneBits > 0
                    ? RankByLanes(otherP, otherD, blockP, blockD, offsetP, offsetD, laneBits)
                    : RankOneByOne(blockP, blockD, offsetP, offsetD);
                if (best >= 0)
                {
                    return best;
                }
            }

            return RankByObjective(otherP, otherD, blockP, blockD, laneBits);
        }

        /// <summary>The first mask with the smallest ratio, a vector at a time; −1 if a candidate equals p.</summary>
        [SkipLocalsInit]
        private static int RankByLanes(
            ReadOnlySpan<double> otherP,
            ReadOnlySpan<double> otherD,
            ReadOnlySpan<double> blockP,
            ReadOnlySpan<double> blockD,
            ReadOnlySpan<double> offsetP,
            ReadOnlySpan<double> offsetD,
            int laneBits)
        {
            var lanes = Lanes.Count;

            // What each lane adds to its block's sums, one vector per step: step t adds, in lane j, the value of
            // j's t-th highest bit, or 0 once j has no more bits (adding +0 leaves every sum as it is: none is −0).
            Span<double> stepValues = stackalloc double[2 * laneBits * lanes];
            stepValues.Clear();
            var stepP = stepValues[..(laneBits * lanes)];
            var stepD = stepValues[(laneBits * lanes)..];
            for (var j = 1; j < lanes; j++)
            {
                for (int bit = laneBits - 1, t = 0; bit >= 0; bit--)
                {
                    if ((j & (1 << bit)) != 0)
                    {
                        stepP[t * lanes + j] = otherP[bit];
                        stepD[t++ * lanes + j] = otherD[bit];
                    }
                }
            }

            // The offsets per block, by the number m of the block's own bits: lane j's mask has m + popcount(j).
            var blockSizes = otherP.Length - laneBits + 1;
            Span<double> offsetValues = stackalloc double[2 * blockSizes * lanes];
            var laneOffsetP = offsetValues[..(blockSizes * lanes)];
            var laneOffsetD = offsetValues[(blockSizes * lanes)..];
            for (var m = 0; m < blockSizes; m++)
            {
                for (var j = 0; j < lanes; j++)
                {
                    var n = m + BitOperations.PopCount((uint)j);
                    laneOffsetP[m * lanes + j] = offsetP[n];
                    laneOffsetD[m * lanes + j] = offsetD[n];
                }
            }

            var addP = MemoryMarshal.Cast<double, Vector<double>>(stepP);
            var addD = MemoryMarshal.Cast<double, Vector<double>>(stepD);
            var vectorOffsetP = MemoryMarshal.Cast<double, Vector<double>>(laneOffsetP);
            var vectorOffsetD = MemoryMarshal.Cast<double, Vector<double>>(laneOffsetD);
            var slopeP = Lanes.SlopeP;
            var slopeD = Lanes.SlopeD;
            var threshold = new Vector<double>(1e-24);
            var step = new Vector<long>(lanes);
            var allAbove = Vector<long>.AllBitsSet;
            var best = new Vector<double>(double.PositiveInfinity);
            var bestIndex = Lanes.Index;
            var index = Lanes.Index;
            for (var b = 0; b < blockP.Length; b++)
            {
                var m = BitOperations.PopCount((uint)b);
                var sumP = new Vector<double>(blockP[b]);
                var sumD = new Vector<double>(blockD[b]);
                for (var t = 0; t < laneBits; t++)
                {
                    sumP += addP[t];
                    sumD += addD[t];
                }

                var normPC2 = sumP * slopeP[m] + vectorOffsetP[m];
                allAbove &= Vector.GreaterThan(normPC2, threshold);
                var ratio = (sumD * slopeD[m] + vectorOffsetD[m]) / Vector.SquareRoot(normPC2);

                // Strictly smaller only: each lane keeps the first of its equal minima.
                var smaller = Vector.LessThan(ratio, best);
                best = Vector.ConditionalSelect(smaller, ratio, best);
                bestIndex = Vector.ConditionalSelect(smaller, index, bestIndex);
                index += step;
            }

            // A NaN ‖p − c‖² fails the comparison too, so it also goes to the full objective. A NaN ratio beside
            // finite ones needs an infinite input; such a row gets the best of the finite ratios (the
            // TensorPrimitives version took the first NaN), an arbitrary but valid candidate either way.
            if (!Vector.EqualsAll(allAbove, Vector<long>.AllBitsSet))
            {
                return -1;
            }

            var bestMask = (int)bestIndex[0];
            var bestRatio = best[0];
            for (var j = 1; j < lanes; j++)
            {
                if (best[j] < bestRatio || (best[j] == bestRatio && bestIndex[j] < bestMask))
                {
                    (bestRatio, bestMask) = (best[j], (int)bestIndex[j]);
                }
            }

            return bestMask;
        }

        /// <summary>The same ranking one mask at a time (fewer masks than lanes, or no SIMD): blocks are masks.</summary>
        private static int RankOneByOne(ReadOnlySpan<double> sumP, ReadOnlySpan<double> sumD, ReadOnlySpan<double> offsetP, ReadOnlySpan<double> offsetD)
        {
            var bestMask = 0;
            var bestRatio = double.PositiveInfinity;
            for (var mask = 0; mask < sumP.Length; mask++)
            {
                var n = BitOperations.PopCount((uint)mask);
                var normPC2 = sumP[mask] * Lanes.SlopeP[n][0] + offsetP[n];
                if (!(normPC2 > 1e-24))
                {
                    return -1;
                }

                var ratio = (sumD[mask] * Lanes.SlopeD[n][0] + offsetD[n]) / Math.Sqrt(normPC2);
                if (ratio < bestRatio)
                {
                    (bestRatio, bestMask) = (ratio, mask);
                }
            }

            return bestMask;
        }

        /// <summary>The first mask with the largest full objective: the fallback for degenerate rows.</summary>
        private int RankByObjective(ReadOnlySpan<double> otherP, ReadOnlySpan<double> otherD, ReadOnlySpan<double> blockP, ReadOnlySpan<double> blockD, int laneBits)
        {
            var bestMask = 0;
            var bestValue = Objective(0, 0, 0);
            for (var mask = 1; mask < 1 << otherP.Length; mask++)
            {
                var (sumP, sumD) = (blockP[mask >> laneBits], blockD[mask >> laneBits]);
                for (var bit = laneBits - 1; bit >= 0; bit--)
                {
                    if ((mask & (1 << bit)) != 0)
                    {
                        sumP += otherP[bit];
                        sumD += otherD[bit];
                    }
                }

                var value = Objective(BitOperations.PopCount((uint)mask), sumP, sumD);
                if (value > bestValue)
                {
                    bestValue = value;
                    bestMask = mask;
                }
            }

            return bestMask;
        }
    }

    /// <summary>
    /// The layout of the vectorised ranking: how many masks share a vector, and the slopes −2/T and −1/T
    /// (T = n + 1 + 1e-5) per block, where lane j of a block whose own bits number m has n = m + popcount(j).
    /// </summary>
    private static class Lanes
    {
        /// <summary>Masks per vector; 1 without SIMD hardware, where the ranking goes one mask at a time.</summary>
        public static readonly int Count = Vector.IsHardwareAccelerated ? Vector<double>.Count : 1;

        public static readonly int Bits = BitOperations.Log2((uint)Count);

        /// <summary>0, 1, …, Count − 1: each lane's mask within its block.</summary>
        public static readonly Vector<long> Index = CreateIndex();

        public static readonly Vector<double>[] SlopeP = CreateSlopes(-2);

        public static readonly Vector<double>[] SlopeD = CreateSlopes(-1);

        private static Vector<long> CreateIndex()
        {
            Span<long> lanes = stackalloc long[Vector<long>.Count];
            for (var j = 0; j < lanes.Length; j++)
            {
                lanes[j] = j;
            }

            return new Vector<long>(lanes);
        }

        private static Vector<double>[] CreateSlopes(double numerator)
        {
            var slopes = new Vector<double>[ExhaustiveClasses];
            Span<double> lanes = stackalloc double[Vector<double>.Count];
            for (var m = 0; m < slopes.Length; m++)
            {
                for (var j = 0; j < lanes.Length; j++)
                {
                    var total = m + BitOperations.PopCount((uint)j) + 1 + TieBreak;
                    lanes[j] = numerator / total;
                }

                slopes[m] = new Vector<double>(lanes);
            }

            return slopes;
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
