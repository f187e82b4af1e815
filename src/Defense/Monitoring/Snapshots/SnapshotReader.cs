using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Mirage.Defense.Monitoring.Snapshots;

/// <summary>
/// Reads a snapshot's body after <see cref="TryOpen"/> has checked its envelope and hash. A read past the
/// end, or a field a part refuses, records the first reason and reads zeros from then on, so parts check
/// <see cref="Failed"/> (or the bool their checks answer) rather than catching exceptions.
/// </summary>
internal ref struct SnapshotReader
{
    // What a field past the end reads as, once the reader has failed.
    private static readonly byte[] Zeros = new byte[sizeof(long)];

    private ReadOnlySpan<byte> _rest;

    private SnapshotReader(ReadOnlySpan<byte> body) => _rest = body;

    /// <summary>The first reason the snapshot was refused; null while it reads well.</summary>
    public string? WhyNot { get; private set; }

    public readonly bool Failed => WhyNot is not null;

    public static bool TryOpen(ReadOnlySpan<byte> data, SnapshotKind kind, out SnapshotReader reader, [NotNullWhen(false)] out string? whyNot)
    {
        whyNot = EnvelopeProblem(data, kind);
        reader = whyNot is null ? new SnapshotReader(data[SnapshotFormat.HeaderBytes..^SnapshotFormat.TrailerBytes]) : default;
        return whyNot is null;
    }

    /// <summary>The checksum a snapshot ends with (call after <see cref="TryOpen"/> accepted it).</summary>
    public static ulong ChecksumOf(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadUInt64LittleEndian(data[^SnapshotFormat.TrailerBytes..]);

    public byte ReadByte() => Take(1)[0];

    public bool ReadBoolean()
    {
        var value = ReadByte();
        Check(value <= 1, $"a flag holds {value}, not 0 or 1");
        return value == 1;
    }

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    public ulong ReadUInt64() => (ulong)ReadInt64();

    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Fills <paramref name="destination"/> with as many values as it holds (written by <see cref="SnapshotWriter.WriteValues{T}"/>).</summary>
    public void ReadValues<T>(Span<T> destination) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(destination);
        if (_rest.Length < bytes.Length)
        {
            EndsEarly();
            return;
        }

        _rest[..bytes.Length].CopyTo(bytes);
        _rest = _rest[bytes.Length..];
        if (!BitConverter.IsLittleEndian && destination.Length > 0)
        {
            var elementSize = bytes.Length / destination.Length;
            for (var at = 0; at < bytes.Length; at += elementSize)
            {
                bytes.Slice(at, elementSize).Reverse();
            }
        }
    }

    /// <summary>Refuses the snapshot (keeping the first reason); answers false so a part can return it.</summary>
    public bool Fail(string whyNot)
    {
        WhyNot ??= whyNot;
        return false;
    }

    public bool Check(bool condition, string whyNot) => condition || Fail(whyNot);

    /// <summary>A size the snapshot was taken with against the one configured now; they must agree.</summary>
    public bool Matches(long stored, long current, string what) =>
        stored == current || Fail($"the snapshot was taken with {stored} {what}; the current configuration has {current}");

    /// <summary>Answers whether the whole body was read and accepted.</summary>
    public bool TryEnd([NotNullWhen(false)] out string? whyNot)
    {
        if (!Failed && !_rest.IsEmpty)
        {
            Fail($"{_rest.Length} bytes are left over after the snapshot's content");
        }

        whyNot = WhyNot;
        return whyNot is null;
    }

    private static string? EnvelopeProblem(ReadOnlySpan<byte> data, SnapshotKind kind)
    {
        const int smallest = SnapshotFormat.HeaderBytes + SnapshotFormat.TrailerBytes;
        if (data.Length < smallest)
        {
            return $"{data.Length} bytes are too few for a snapshot (at least {smallest}): it is truncated";
        }

        if (!data[..SnapshotFormat.Magic.Length].SequenceEqual(SnapshotFormat.Magic))
        {
            return "the bytes do not start like a Mirage snapshot";
        }

        if (data[4] != (byte)kind)
        {
            return $"the snapshot is of kind {data[4]}, not {(byte)kind} ({kind})";
        }

        if (data[5] != SnapshotFormat.Version)
        {
            return $"the snapshot has format version {data[5]}; this build reads version {SnapshotFormat.Version}";
        }

        return XxHash3.HashToUInt64(data[..^SnapshotFormat.TrailerBytes]) == ChecksumOf(data)
            ? null
            : $"the checksum of the {data.Length} bytes does not match: the snapshot is truncated or corrupt";
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_rest.Length < count)
        {
            EndsEarly();
            return Zeros.AsSpan(0, count);
        }

        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }

    private void EndsEarly()
    {
        Fail("the snapshot ends before its content does");
        _rest = default;
    }

}
