using Mirage.Grains.Storage;

namespace Mirage.Grains.Clients;

/// <summary>
/// The client's detectors as compact bytes (<see cref="DetectorSnapshot"/>): PRADA's growing sets and
/// distance windows and the signal windows, per model. The grain keeps two: the full blob (up to ~2 MB)
/// and the changes since it (tens of KB), written at most ClientPersistenceOptions.WriteDetectorEvery
/// after the detectors learned something, and on deactivation.
/// </summary>
public sealed class DetectorRecord : IBinaryGrainState
{
    public byte[] Bytes { get; set; } = [];
}
