using Microsoft.Extensions.Logging;

namespace Mirage.Grains.Clients;

/// <summary>
/// The client grain's detector persistence: PRADA's sets, the distance windows and the rate meter as a
/// compact binary full blob plus the changes since it (docs/ARCHITECTURE.md, the stored states; docs/DESIGN.md,
/// "What Orleans guarantees"). The record's own writes stay in ClientGrain.cs.
/// </summary>
public sealed partial class ClientGrain
{
    /// <summary>
    /// Brings back what the detectors had learned, and hands each its horizons from the record. Whatever does
    /// not fit this silo's configuration (another projection, other classes) starts afresh, and the stored
    /// evidence then stays as a floor under the new detectors' until an operator resets the client (volume
    /// needs no floor: its horizons are in the record).
    /// </summary>
    private void RestoreDetectors()
    {
        // Records from before the evidence was kept floor their whole suspicion, as they always did.
        var storedEvidence = Record.Evidence ?? Record.Suspicion;
        if (!detector.RecordExists)
        {
            Record.RaisedTo = Math.Max(Record.RaisedTo, storedEvidence);
            return;
        }

        var refused = new List<string>();
        _rate = DetectorSnapshot.Read(detector.State.Bytes, detectorChanges.State.Bytes, featureSpaces, suspicionOptions, _monitors, refused);
        foreach (var (model, monitor) in _monitors)
        {
            Record.Horizons[model] = monitor.UseHorizons(Record.Horizons.GetValueOrDefault(model));
        }

        if (refused.Count > 0)
        {
            Record.RaisedTo = Math.Max(Record.RaisedTo, storedEvidence);
            logger.LogWarning("Client {Tenant}/{Client}: detector state not restored ({Reasons}); those detectors start afresh",
                Record.Tenant, Record.Client, string.Join("; ", refused));
        }
    }

    /// <summary>
    /// Writes what the detectors learned since the last write: their changes against the full blob
    /// (tens of KB), or a new full blob (up to ~2 MB) when there is none yet for this activation's
    /// detectors or the changes have grown past a quarter of it. A new full blob empties the changes.
    /// </summary>
    private async Task WriteDetectorsAsync()
    {
        if (_detectorFlush is null)
        {
            return;  // nothing learned since the last write
        }

        _detectorFlush.Dispose();
        _detectorFlush = null;
        try
        {
            var changes = DetectorSnapshot.WriteChanges(_rate, _monitors);
            if (changes is not null && detector.RecordExists && changes.Length <= detector.State.Bytes.Length / 4)
            {
                detectorChanges.State.Bytes = changes;
                await detectorChanges.WriteStateAsync();
                return;
            }

            detector.State.Bytes = DetectorSnapshot.WriteFull(_rate, _monitors);
            await detector.WriteStateAsync();
            detectorChanges.State.Bytes = [];
            await detectorChanges.WriteStateAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Client {Tenant}/{Client}: writing its detectors failed; the activation is dropped", Record.Tenant, Record.Client);
            DeactivateOnIdle();
            throw;
        }
    }
}
