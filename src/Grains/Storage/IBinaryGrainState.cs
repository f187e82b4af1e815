namespace Mirage.Grains.Storage;

/// <summary>
/// A grain state that is already bytes (the detector's snapshot): the storage serializer writes
/// <see cref="Bytes"/> as they are, with no JSON and no base64 around them, and reads them back the same.
/// </summary>
public interface IBinaryGrainState
{
    byte[] Bytes { get; set; }
}
