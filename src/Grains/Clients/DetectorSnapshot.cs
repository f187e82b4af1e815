using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mirage.Defense.Monitoring;

namespace Mirage.Grains.Clients;

/// <summary>
/// A client's detectors in one blob (<see cref="DetectorRecord"/>): the query-rate meter, then each
/// model's <see cref="ClientMonitor"/> snapshot with the model's name, input length and classes, each
/// part length-prefixed (little-endian). The parts check themselves; this only frames them.
/// </summary>
internal static class DetectorSnapshot
{
    private const byte Version = 1;

    public static byte[] Write(RateMeter rate, IReadOnlyDictionary<string, ClientMonitor> monitors)
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write([Version]);
        WritePart(output, rate.WriteTo);
        WriteInt32(output, monitors.Count);
        foreach (var (model, monitor) in monitors)
        {
            var name = Encoding.UTF8.GetBytes(model);
            WriteInt32(output, name.Length);
            output.Write(name);  // read back as a part: length, then bytes
            WriteInt32(output, monitor.InputLength);
            WriteInt32(output, monitor.Classes);
            WritePart(output, monitor.WriteTo);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Restores what <see cref="Write"/> wrote into <paramref name="monitors"/> and <paramref name="rate"/>.
    /// A part that does not fit the current configuration (another projection, other classes) is left out
    /// and named in <paramref name="refused"/>; a blob that is not ours at all refuses everything.
    /// </summary>
    public static RateMeter Read(
        ReadOnlySpan<byte> data, FeatureSpaces spaces, SuspicionOptions options, Dictionary<string, ClientMonitor> monitors, List<string> refused)
    {
        var rate = new RateMeter();
        try
        {
            if (data.IsEmpty)
            {
                return rate;
            }

            if (data[0] != Version)
            {
                refused.Add($"detector snapshot version {data[0]} (this silo reads {Version})");
                return rate;
            }

            var at = 1;
            var rateBytes = ReadPart(data, ref at);
            if (RateMeter.TryRestore(rateBytes, out var restoredRate, out var rateWhyNot))
            {
                rate = restoredRate;
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
                var part = ReadPart(data, ref at);
                if (ClientMonitor.TryRestore(part, spaces.For(model, inputLength), classes, options, out var monitor, out var whyNot))
                {
                    monitors[model] = monitor;
                }
                else
                {
                    refused.Add($"model {model}: {whyNot}");
                }
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            monitors.Clear();
            refused.Add("the detector snapshot is truncated");
        }

        return rate;
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
