using System.Numerics;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// PRADA's pooled distances (every class with at least 10) kept in ascending order as they arrive, so the
/// test every 10th query needs no sort: a new distance costs a binary search and a short shift, where
/// sorting ~4,000 values at every test cost more than everything else in the test together. The 3σ filter
/// on sorted values keeps a contiguous range, and Shapiro-Wilk sorts anyway.
/// </summary>
internal sealed class SortedPool
{
    private double[] _values = new double[64];

    public int Count { get; private set; }

    public ReadOnlySpan<double> Values => _values.AsSpan(0, Count);

    public void Add(double value)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        var at = InsertionPoint(Values, value);
        _values.AsSpan(at, Count - at).CopyTo(_values.AsSpan(at + 1));
        _values[at] = value;
        Count++;
    }

    /// <summary>Takes out one occurrence of <paramref name="removed"/> (which must be held) and adds <paramref name="added"/>, in one shift.</summary>
    public void Replace(double removed, double added)
    {
        var values = _values.AsSpan(0, Count);
        var from = values.BinarySearch(removed);
        if (from < 0)
        {
            throw new InvalidOperationException($"The pool does not hold {removed}.");
        }

        var to = InsertionPoint(values, added);
        if (to > from)
        {
            // Everything strictly between moves one down; the new value lands just before the insertion point.
            values[(from + 1)..to].CopyTo(values[from..]);
            values[to - 1] = added;
        }
        else
        {
            values[to..from].CopyTo(values[(to + 1)..]);
            values[to] = added;
        }
    }

    /// <summary>Holds exactly <paramref name="values"/> (in any order), sorted: a restored detector's pool, rebuilt from its windows.</summary>
    public void Refill(ReadOnlySpan<double> values)
    {
        // A power of two of at least 64, as the pool that grew by doubling would hold.
        _values = new double[BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, values.Length))];
        values.CopyTo(_values);
        Count = values.Length;
        _values.AsSpan(0, Count).Sort();
    }

    private static int InsertionPoint(ReadOnlySpan<double> values, double value)
    {
        var at = values.BinarySearch(value);
        return at >= 0 ? at : ~at;
    }
}
