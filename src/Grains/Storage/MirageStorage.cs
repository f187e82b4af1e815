namespace Mirage.Grains.Storage;

/// <summary>The grain storage every Mirage grain's state lives in; the host decides what backs it.</summary>
public static class MirageStorage
{
    public const string Name = "mirage";
}
