using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mirage.Defense.Monitoring;

namespace Mirage.Grains.Clients;

/// <summary>
/// A client's detectors as two blobs. The full one: the query-rate meter, then each model's
/// <see cref="ClientMonitor"/> snapshot with the model's name, input length and classes. The changes:
/// the same framing, each monitor's changes since the full blob (ClientMonitor.WriteChangesTo), a few
/// tens of KB where the full blob of an attacker is 1-2 MB. Parts are length-prefixed (little-endian);
/// they check themselves, this only frames them.
/// </summary>
internal static class DetectorSnapshot
{
    private const byte Version = 1;

    /// <summary>Everything; each monitor's full snapshot becomes the base its later changes are written against.</summary>
    public static byte[] WriteFull(RateMeter rate, IReadOnlyDictionary<string, ClientMonitor> monitors) =>
        Write(rate, monitors, static (monitor, output) =>
        {
            monitor.WriteTo(output);
            return true;
        })!;

    /// <summary>Each monitor's changes since its base; null when a monitor has no base yet (write a full blob then).</summary>
    public static byte[]? WriteChanges(RateMeter rate, IReadOnlyDictionary<string, ClientMonitor> monitors) =>
        Write(rate, monitors, static (monitor, output) => monitor.WriteChangesTo(output));

    /// <summary>
    /// Restores the full blob with its changes into <paramref name="monitors"/> and answers the rate meter.
    /// Changes that do not belong to this full blob (a crash between writing a new full blob and clearing
    /// the changes) are left out and the full blob alone is restored; a monitor that does not fit the current
    /// configuration (another projection, other classes) is left out. Both are named in <paramref name="refused"/>.
    /// </summary>
    public static RateMeter Read(
        ReadOnlySpan<byte> full, ReadOnlySpan<byte> changes, FeatureSpaces spaces, SuspicionOptions options,
        Dictionary<string, ClientMonitor> monitors, List<string> refused)
    {
        var changed = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var rate = ReadFrame(changes, refused, (model, _, _, part) => changed[model] = part.ToArray()) ?? new RateMeter();
        var fullRate = ReadFrame(full, refused, (model, inputLength, classes, part) =>
        {
            var space = spaces.For(model, inputLength);
            if (changed.TryGetValue(model, out var delta)
                && ClientMonitor.TryRestore(part, delta, space, classes, options, out var withChanges, out var whyNot))
            {
                monitors[model] = withChanges;
                return;
            }

            if (ClientMonitor.TryRestore(part, space, classes, options, out var monitor, out whyNot))
            {
                monitors[model] = monitor;
                if (delta is not null)
                {
                    refused.Add($"model {model}: its changes did not fit its snapshot and were left out");
                }
            }
            else
            {
                refused.Add($"model {model}: {whyNot}");
            }
        });
        // The changes carry the newer rate meter; without them the full blob's.
        return changes.IsEmpty ? fullRate ?? rate : rate;
    }

    private static byte[]? Write(RateMeter rate, IReadOnlyDictionary<string, ClientMonitor> monitors, Func<ClientMonitor, IBufferWriter<byte>, bool> writeMonitor)
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write([Version]);
        WritePart(output, part => rate.WriteTo(part));
        WriteInt32(output, monitors.Count);
        foreach (var (model, monitor) in monitors)
        {
            WritePart(output, part => part.Write(Encoding.UTF8.GetBytes(model)));
            WriteInt32(output, monitor.InputLength);
            WriteInt32(output, monitor.Classes);
            var written = true;
            WritePart(output, part => written = writeMonitor(monitor, part));
            if (!written)
            {
                return null;
            }
        }

        return output.WrittenSpan.ToArray();
    }

    private delegate void MonitorPart(string model, int inputLength, int classes, ReadOnlySpan<byte> part);

    /// <summary>Walks one blob; answers its rate meter (null when the blob is empty or refused).</summary>
    private static RateMeter? ReadFrame(ReadOnlySpan<byte> data, List<string> refused, MonitorPart onMonitor)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        if (data[0] != Version)
        {
            refused.Add($"detector blob version {data[0]} (this silo reads {Version})");
            return null;
        }

        try
        {
            var at = 1;
            RateMeter? rate = null;
            if (RateMeter.TryRestore(ReadPart(data, ref at), out var restored, out var rateWhyNot))
            {
                rate = restored;
            }
            else
            {
                refused.Add($"query rate: {rateWhyNot}");
            }

            var count = ReadInt32(data, ref at);
            for (var i = 0; i < count; i++)
            {
                var model = Encoding.UTF8.GetString(ReadPart(data, ref at));
                var inputLength = ReadInt32(data, ref at);
                var classes = ReadInt32(data, ref at);
                onMonitor(model, inputLength, classes, ReadPart(data, ref at));
            }

            return rate;
        }
        catch (ArgumentOutOfRangeException)
        {
            refused.Add("a detector blob is truncated");
            return null;
        }
    }

    private static void WritePart(ArrayBufferWriter<byte> output, Action<IBufferWriter<byte>> write)
    {
        var part = new ArrayBufferWriter<byte>();
        write(part);
        WriteInt32(output, part.WrittenCount);
        output.Write(part.WrittenSpan);
    }

    private static ReadOnlySpan<byte> ReadPart(ReadOnlySpan<byte> data, ref int at)
    {
        var length = ReadInt32(data, ref at);
        var part = data.Slice(at, length);
        at += length;
        return part;
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static int ReadInt32(ReadOnlySpan<byte> data, ref int at)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(at, 4));
        at += 4;
        return value;
    }
}
