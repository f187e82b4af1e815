namespace Mirage.Defense.Monitoring;

/// <summary>
/// A client's predicted classes over one <see cref="VolumeHorizon"/>, counted per bucket (a ring of
/// Buckets x Classes counts, time from the observations). It is part of the client's persisted record,
/// so its properties are plain and public for JSON; <see cref="Fits"/> says whether stored counts match
/// the configuration. The counts are a multiset: the order in which queries came changes nothing.
/// </summary>
public sealed class HorizonCounts
{
    /// <summary>Ticks per bucket, as configured when the counts began.</summary>
    public long BucketTicks { get; set; }

    public int Classes { get; set; }

    /// <summary>Index of the newest bucket (UTC ticks / BucketTicks); counts in the ring are for the buckets up to it.</summary>
    public long Newest { get; set; }

    /// <summary>Bucket (index mod buckets) x Classes counts.</summary>
    public int[] Counts { get; set; } = [];

    public static HorizonCounts For(VolumeHorizon horizon, int classes) => new()
    {
        BucketTicks = horizon.BucketLength.Ticks, Classes = classes, Counts = new int[horizon.Buckets * classes],
    };

    private int Buckets => Counts.Length / Classes;

    /// <summary>Whether these (restored) counts were kept for this horizon and these classes, and are whole.</summary>
    public bool Fits(VolumeHorizon horizon, int classes) =>
        BucketTicks == horizon.BucketLength.Ticks && Classes == classes && classes > 0
        && Counts.Length == horizon.Buckets * classes && Array.TrueForAll(Counts, c => c >= 0);

    public void Add(DateTimeOffset at, int predictedClass)
    {
        var bucket = at.UtcTicks / BucketTicks;
        var buckets = Buckets;
        if (bucket > Newest)
        {
            // Buckets between the newest and this one are empty: clear what the ring held for them.
            for (var b = Math.Max(Newest + 1, bucket - buckets + 1); b <= bucket; b++)
            {
                Array.Clear(Counts, Slot(b), Classes);
            }

            Newest = bucket;
        }
        else if (bucket <= Newest - buckets)
        {
            return;  // older than the horizon (an observation that arrived very late)
        }

        Counts[Slot(bucket) + predictedClass]++;
    }

    /// <summary>Queries in the horizon up to <paramref name="now"/>.</summary>
    public long Queries(DateTimeOffset now)
    {
        long queries = 0;
        for (var b = OldestLive(now); b <= Newest; b++)
        {
            foreach (var c in Counts.AsSpan(Slot(b), Classes))
            {
                queries += c;
            }
        }

        return queries;
    }

    /// <summary>Per-class counts in the horizon up to <paramref name="now"/>, into <paramref name="histogram"/> (Classes values).</summary>
    public void Histogram(DateTimeOffset now, Span<int> histogram)
    {
        histogram.Clear();
        for (var b = OldestLive(now); b <= Newest; b++)
        {
            var counts = Counts.AsSpan(Slot(b), Classes);
            for (var k = 0; k < counts.Length; k++)
            {
                histogram[k] += counts[k];
            }
        }
    }

    public void Clear()
    {
        Array.Clear(Counts);
        Newest = 0;
    }

    private int Slot(long bucket) => (int)(bucket % Buckets) * Classes;

    /// <summary>The oldest bucket still within the horizon at <paramref name="now"/> (past Newest once it has passed them all).</summary>
    private long OldestLive(DateTimeOffset now) => Math.Max(Newest - Buckets + 1, now.UtcTicks / BucketTicks - Buckets + 1);
}
