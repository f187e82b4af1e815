using Mirage.Grains.Storage;

namespace Mirage.Grains.Clients;

/// <summary>
/// The client's detectors as compact bytes (<see cref="DetectorSnapshot"/>): PRADA's growing sets and
/// distance windows and the signal windows, per model. Up to a few MB, so it is written less often than
/// the <see cref="ClientRecord"/> (ClientPersistenceOptions.WriteDetectorEvery) and on deactivation.
/// </summary>
public sealed class DetectorRecord : IBinaryGrainState
{
    public byte[] Bytes { get; set; } = [];
}
