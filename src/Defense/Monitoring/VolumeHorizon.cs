namespace Mirage.Defense.Monitoring;

/// <summary>
/// One horizon of the volume signal: the client's queries over the last <see cref="Length"/>, counted in
/// <see cref="Buckets"/> equal buckets, ramp from <see cref="From"/> (0) to <see cref="Full"/> (1).
/// </summary>
public sealed record VolumeHorizon
{
    public TimeSpan Length { get; init; }

    /// <summary>Buckets the length is counted in; the horizon slides one bucket at a time.</summary>
    public int Buckets { get; init; }

    public long From { get; init; }

    public long Full { get; init; }

    public TimeSpan BucketLength => Length / Buckets;

    // Fresh instances, never shared: the configuration binder writes into the instance an option holds.

    /// <summary>
    /// An hour in 5-minute buckets, 2,000 to 5,000: the per-client volume of before the horizons, so an
    /// in-distribution Knockoff at full speed is flagged at about the same count.
    /// </summary>
    public static VolumeHorizon Hour => new() { Length = TimeSpan.FromHours(1), Buckets = 12, From = 2_000, Full = 5_000 };

    /// <summary>
    /// A day in 1-hour buckets, 10,000 to 20,000: a client pacing itself just under the hour's 2,000 starts
    /// to count after five such hours and counts fully after ten, by when it holds 20,000 answers, the lab's
    /// largest Knockoff budget; a user's ordinary day (a few thousand) stays below it.
    /// </summary>
    public static VolumeHorizon Day => new() { Length = TimeSpan.FromDays(1), Buckets = 24, From = 10_000, Full = 20_000 };

    /// <summary>The ramp for this many queries over the horizon, in [0, 1].</summary>
    public double Ramp(long queries) => Math.Clamp((double)(queries - From) / (Full - From), 0, 1);

    /// <summary>Null when usable; otherwise what to fix (the configuration names the horizon).</summary>
    public string? Problem() =>
        Buckets is < 1 or > 1_440 ? $"Buckets must be between 1 and 1440; got {Buckets}."
        : Length <= TimeSpan.Zero || Length.Ticks % Buckets != 0 ? $"Length must be positive and divide into {Buckets} equal buckets; got {Length}."
        : From < 0 || Full <= From ? $"From must be at least 0 and Full above From; got From {From}, Full {Full}."
        : null;
}
