namespace Mirage.Grains.Storage;

/// <summary>
/// Grain state that is already bytes (the detector's snapshot): storage writes <see cref="Bytes"/> as they
/// are, with no JSON and no base64 around them.
/// </summary>
public interface IBinaryGrainState
{
    byte[] Bytes { get; set; }
}
