using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Mirage.Defense.Monitoring.Snapshots;

/// <summary>
/// Writes one snapshot into an <see cref="IBufferWriter{T}"/>: the envelope of <see cref="SnapshotFormat"/>,
/// then the parts' fields. Every chunk is hashed as it is committed, so the body is never buffered twice.
/// </summary>
internal sealed class SnapshotWriter
{
    // Large arrays (a full class's points are ~200 KB) go out in pieces any buffer writer can hand out.
    private const int ChunkBytes = 64 * 1024;

    private readonly IBufferWriter<byte> _output;
    private readonly XxHash3 _hash = new();

    private SnapshotWriter(IBufferWriter<byte> output) => _output = output;

    public static SnapshotWriter Begin(IBufferWriter<byte> output, SnapshotKind kind)
    {
        var writer = new SnapshotWriter(output);
        writer.WriteValues(SnapshotFormat.Magic);
        writer.WriteByte((byte)kind);
        writer.WriteByte(SnapshotFormat.Version);
        return writer;
    }

    public void WriteByte(byte value)
    {
        var span = _output.GetSpan(1);
        span[0] = value;
        Commit(span[..1]);
    }

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteInt32(int value)
    {
        var span = _output.GetSpan(sizeof(int));
        BinaryPrimitives.WriteInt32LittleEndian(span, value);
        Commit(span[..sizeof(int)]);
    }

    public void WriteInt64(long value)
    {
        var span = _output.GetSpan(sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(span, value);
        Commit(span[..sizeof(long)]);
    }

    public void WriteUInt64(ulong value) => WriteInt64((long)value);

    /// <summary>The double's bits, so NaN (W before the first test) and every last digit come back as they were.</summary>
    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>An array of numbers as raw little-endian bytes, in storage order (the reader must know the count).</summary>
    public void WriteValues<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        if (!BitConverter.IsLittleEndian)
        {
            WriteSwapped(bytes, bytes.Length / Math.Max(1, values.Length));
            return;
        }

        while (!bytes.IsEmpty)
        {
            var span = _output.GetSpan(Math.Min(bytes.Length, ChunkBytes));
            var length = Math.Min(span.Length, bytes.Length);
            bytes[..length].CopyTo(span);
            Commit(span[..length]);
            bytes = bytes[length..];
        }
    }

    /// <summary>Ends the snapshot with the hash of everything written; answers that hash, the snapshot's identity.</summary>
    public ulong Finish()
    {
        var checksum = _hash.GetCurrentHashAsUInt64();
        var span = _output.GetSpan(SnapshotFormat.TrailerBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(span, checksum);
        _output.Advance(SnapshotFormat.TrailerBytes);
        return checksum;
    }

    private void WriteSwapped(ReadOnlySpan<byte> bytes, int elementSize)
    {
        for (var at = 0; at < bytes.Length; at += elementSize)
        {
            var span = _output.GetSpan(elementSize)[..elementSize];
            bytes.Slice(at, elementSize).CopyTo(span);
            span.Reverse();
            Commit(span);
        }
    }

    private void Commit(ReadOnlySpan<byte> written)
    {
        _hash.Append(written);
        _output.Advance(written.Length);
    }
}
