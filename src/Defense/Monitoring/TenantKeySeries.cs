namespace Mirage.Defense.Monitoring;

/// <summary>
/// One young key's own view of the tenant's pooled PRADA detector: the pooled distance of each of its
/// queries (to the nearest earlier query of the tenant with the same predicted class) and where that
/// distance stands among the tenant's newest distances of the class (0: below all of them, 0.5: like them).
/// The newest <c>capacity</c> of each are kept, as floats. Its test is PRADA's (3σ filter, Shapiro-Wilk)
/// on its own distances only, so other keys' queries, benign or not, neither hide it nor make it fail.
/// </summary>
public sealed class TenantKeySeries(int capacity)
{
    private readonly float[] _distances = new float[capacity];
    private readonly float[] _standings = new float[capacity];
    private long _added;

    /// <summary>Distances recorded since the key was first seen (the newest <c>capacity</c> are held).</summary>
    public long Samples => _added;

    public int Held => (int)Math.Min(_added, _distances.Length);

    /// <summary>The watch's observation count when the key last sent a query: the oldest is forgotten first.</summary>
    public long LastSeen { get; set; }

    /// <summary>W of the latest test of the key's own distances; NaN before its first.</summary>
    public double W { get; private set; } = double.NaN;

    /// <summary>
    /// The mean standing of the held distances (NaN while fewer than half of them could be placed: a class
    /// needs 10 distances before its standing means anything).
    /// </summary>
    public double Standing
    {
        get
        {
            var (sum, placed) = (0.0, 0);
            var held = Held;
            for (var i = 0; i < held; i++)
            {
                if (!float.IsNaN(_standings[i]))
                {
                    (sum, placed) = (sum + _standings[i], placed + 1);
                }
            }

            return placed > 0 && placed * 2 >= held ? sum / placed : double.NaN;
        }
    }

    public void Add(double distance, double standing)
    {
        var slot = (int)(_added++ % _distances.Length);
        _distances[slot] = (float)distance;
        _standings[slot] = (float)standing;
    }

    /// <summary>Tests the held distances, PRADA's way; <paramref name="scratch"/> holds at least capacity values.</summary>
    /// <returns>W (NaN when the 3σ filter leaves fewer than 3).</returns>
    public double Test(Span<double> scratch)
    {
        var held = Held;
        var sorted = scratch[..held];
        for (var i = 0; i < held; i++)
        {
            sorted[i] = _distances[i];
        }

        sorted.Sort();
        var within = ThreeSigma.Within(sorted);
        W = within.Length >= 3 ? ShapiroWilk.TestSorted(within).W : double.NaN;
        return W;
    }
}
