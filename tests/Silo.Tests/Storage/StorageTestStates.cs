using Mirage.Grains.Storage;

namespace Mirage.Silo.Tests.Storage;

/// <summary>A small JSON state.</summary>
public sealed class Counter
{
    public int Count { get; set; }

    public string Note { get; set; } = "";
}

/// <summary>A state that is bytes, as the detector's snapshot is.</summary>
public sealed class Snapshot : IBinaryGrainState
{
    public byte[] Bytes { get; set; } = [];
}
