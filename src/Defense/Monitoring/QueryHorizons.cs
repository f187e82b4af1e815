namespace Mirage.Defense.Monitoring;

/// <summary>
/// One client's queries to one model over the short and the long horizon of <see cref="SuspicionOptions"/>,
/// kept in the client's persisted record (so a grain collection or a restart changes nothing). Volume is
/// the strongest horizon's ramp; class coverage and balance come from the long horizon's counts.
/// </summary>
public sealed class QueryHorizons
{
    /// <summary>
    /// Classes counted apart at most; a model with more is counted in this many groups (class mod 32), which
    /// keeps the record a few KB whatever the model.
    /// </summary>
    public const int MaxClasses = 32;

    public HorizonCounts Short { get; set; } = new();

    public HorizonCounts Long { get; set; } = new();

    public static QueryHorizons For(SuspicionOptions options, int classes) => new()
    {
        Short = HorizonCounts.For(options.ShortHorizon, Tracked(classes)),
        Long = HorizonCounts.For(options.LongHorizon, Tracked(classes)),
    };

    /// <summary>Whether these (restored) counts were kept with this configuration for this model.</summary>
    public bool Fits(SuspicionOptions options, int classes) =>
        Short.Fits(options.ShortHorizon, Tracked(classes)) && Long.Fits(options.LongHorizon, Tracked(classes));

    public void Add(DateTimeOffset at, int predictedClass)
    {
        var tracked = predictedClass % Short.Classes;
        Short.Add(at, tracked);
        Long.Add(at, tracked);
    }

    /// <summary>The strongest horizon's ramp at <paramref name="now"/>, in [0, 1].</summary>
    public double Volume(SuspicionOptions options, DateTimeOffset now) =>
        Math.Max(options.ShortHorizon.Ramp(Short.Queries(now)), options.LongHorizon.Ramp(Long.Queries(now)));

    /// <summary>Coverage and balance of the long horizon's predicted classes at <paramref name="now"/>.</summary>
    public (double Coverage, double Balance) ClassSpread(DateTimeOffset now)
    {
        Span<int> histogram = stackalloc int[Long.Classes];
        Long.Histogram(now, histogram);
        return (ClassHistogram.Coverage(histogram), ClassHistogram.Balance(histogram));
    }

    public void Clear()
    {
        Short.Clear();
        Long.Clear();
    }

    private static int Tracked(int classes) => Math.Min(classes, MaxClasses);
}
