namespace Mirage.Defense.Monitoring;

/// <summary>
/// One young key's own view of the tenant's pooled PRADA detector: the pooled distance of each of its
/// queries (to the nearest earlier query of the tenant with the same predicted class) and that class; the
/// newest <c>capacity</c> are kept. Its test is PRADA's (3σ filter, Shapiro-Wilk) on its own distances
/// only, so other keys' queries, benign or not, neither hide it nor make it fail; its standing says where
/// its distances stand among the tenant's newest of the same classes, measured when it is judged (a key
/// whose rows arrive first has nobody to stand among yet).
/// </summary>
public sealed class TenantKeySeries(int capacity)
{
    private readonly float[] _distances = new float[capacity];
    private readonly int[] _classes = new int[capacity];
    private long _added;

    /// <summary>Distances recorded since the key was first seen (the newest <c>capacity</c> are held).</summary>
    public long Samples => _added;

    public int Held => (int)Math.Min(_added, _distances.Length);

    /// <summary>The key's queries since it was first seen, exact repeats included.</summary>
    public long Rows { get; private set; }

    /// <summary>How many of <see cref="Rows"/> exactly re-sent a query first sent by a raised key (<see cref="ReplayLedger"/>).</summary>
    public long Replays { get; private set; }

    /// <summary>The watch's observation count when the key last sent a query: the oldest is forgotten first.</summary>
    public long LastSeen { get; set; }

    /// <summary>W of the latest test of the key's own distances; NaN before its first.</summary>
    public double W { get; private set; } = double.NaN;

    /// <summary>
    /// The mean standing of the held distances among the class's newest <paramref name="newest"/> pooled
    /// distances (0: below all of them, 0.5: like them); NaN while fewer than half of them can be placed (a
    /// class needs 10 distances before a standing among them means anything).
    /// </summary>
    public double StandingAmong(PradaDetector pooled, int newest)
    {
        var (sum, placed) = (0.0, 0);
        var held = Held;
        for (var i = 0; i < held; i++)
        {
            var standing = pooled.StandingOf(_classes[i], _distances[i], newest);
            if (!double.IsNaN(standing))
            {
                (sum, placed) = (sum + standing, placed + 1);
            }
        }

        return placed > 0 && placed * 2 >= held ? sum / placed : double.NaN;
    }

    /// <summary>Counts one query of the key, and whether it replayed a raised key's query.</summary>
    public void Count(bool replay)
    {
        Rows++;
        if (replay)
        {
            Replays++;
        }
    }

    public void Add(double distance, int predictedClass)
    {
        var slot = (int)(_added++ % _distances.Length);
        _distances[slot] = (float)distance;
        _classes[slot] = predictedClass;
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
