using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Mirage.Grains.Clients;
using Mirage.Grains.Storage;
using Mirage.Silo.Storage.Serialization;
using Orleans;
using Orleans.Runtime;

namespace Mirage.Benchmarks.Storage;

/// <summary>
/// What a grain awaits when it writes its state (serialise, compare-and-set on the ETag) and reads it
/// on activation, through Orleans' IGrainStorage as a silo holds it, with Mirage's grain-state
/// serializer. States: the 16.7 KB client record of <see cref="ObservedClient"/> (JSON), and a
/// detector snapshot of 300 KB and of 2 MB (raw bytes). Each call takes the next of 16 stored grains on
/// its current ETag. "azureblob" needs `bash scripts/azurite.sh start` (Azurite on 10000-10002) and fails
/// when it is unreachable. (PostgreSQL was measured too, until its provider went: docs/PERFORMANCE.md.)
/// </summary>
[MemoryDiagnoser]
public class StorageWriteBenchmarks
{
    private const int Grains = 16;
    private const string StateName = "state";

    private BenchmarkSilo _silo = null!;
    private GrainId[] _grains = [];
    private IGrainState<ClientRecord>[] _records = [];
    private IGrainState<DetectorSnapshot>[] _snapshots = [];
    private string _folder = "";
    private string _container = "";
    private int _next;

    [Params("sqlite", "azureblob")]
    public string Provider { get; set; } = "sqlite";

    [Params("record-16.7KB", "binary-300KB", "binary-2MB")]
    public string State { get; set; } = "record-16.7KB";

    // BenchmarkDotNet's in-process toolchain (0.14) does not await an async GlobalSetup or GlobalCleanup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _folder = BenchmarkSilo.TemporaryDirectory();
        _container = $"mirage-bench-{Guid.NewGuid():N}";
        _silo = await BenchmarkSilo.StartAsync(Provider, _folder, _container);

        var serializer = new MirageGrainStateSerializer();
        var record = serializer.Deserialize<ClientRecord>(new BinaryData(ObservedClient.Record()))!;
        var random = new Random(5);
        _grains = new GrainId[Grains];
        _records = new IGrainState<ClientRecord>[Grains];
        _snapshots = new IGrainState<DetectorSnapshot>[Grains];
        for (var i = 0; i < Grains; i++)
        {
            _grains[i] = GrainId.Create("client", $"{ObservedClient.Tenant}/client-{i:D4}");
            if (State.StartsWith("record", StringComparison.Ordinal))
            {
                _records[i] = new GrainState<ClientRecord>(record);
                await _silo.Storage.WriteStateAsync(StateName, _grains[i], _records[i]);
            }
            else
            {
                var bytes = new byte[State == "binary-2MB" ? 2 << 20 : 300 << 10];
                random.NextBytes(bytes);
                _snapshots[i] = new GrainState<DetectorSnapshot>(new DetectorSnapshot { Bytes = bytes });
                await _silo.Storage.WriteStateAsync(StateName, _grains[i], _snapshots[i]);
            }
        }
    }

    private async Task CleanupAsync()
    {
        await _silo.DisposeAsync();
        if (Provider == "azureblob")
        {
            await BenchmarkSilo.DeleteContainerAsync(_container);
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public Task Write()
    {
        var i = Next();
        return _records[i] is { } record
            ? _silo.Storage.WriteStateAsync(StateName, _grains[i], record)
            : _silo.Storage.WriteStateAsync(StateName, _grains[i], _snapshots[i]);
    }

    [Benchmark]
    public Task Read()
    {
        var i = Next();
        return _records[i] is { } record
            ? _silo.Storage.ReadStateAsync(StateName, _grains[i], record)
            : _silo.Storage.ReadStateAsync(StateName, _grains[i], _snapshots[i]);
    }

    private int Next() => _next = (_next + 1) % Grains;

    /// <summary>The detector's snapshot as the client grain stores it: bytes.</summary>
    public sealed class DetectorSnapshot : IBinaryGrainState
    {
        public byte[] Bytes { get; set; } = [];
    }
}

/// <summary>
/// The record's JSON without the store, through Mirage's grain-state serializer (source-generated
/// metadata): what Write adds to the store's own cost for the client record, and Read likewise.
/// </summary>
[MemoryDiagnoser]
public class StorageSerializationBenchmarks
{
    private readonly MirageGrainStateSerializer _serializer = new();
    private BinaryData _bytes = BinaryData.Empty;
    private ClientRecord _record = new();

    [GlobalSetup]
    public void Setup()
    {
        _bytes = new BinaryData(ObservedClient.Record());
        _record = Deserialize();
        if (!Serialize().ToMemory().Span.SequenceEqual(_bytes.ToMemory().Span))
        {
            throw new InvalidOperationException("The serializer no longer writes the record as the grain did.");
        }

        Console.WriteLine($"// ClientRecord: {_bytes.ToMemory().Length:N0} bytes of JSON; history {_record.History.Count} points; "
            + $"queries {_record.Queries:N0}, suspicion {_record.Suspicion:F3}, level {_record.Level} ({_record.LevelName})");
    }

    [Benchmark]
    public BinaryData Serialize() => _serializer.Serialize(_record);

    [Benchmark]
    public ClientRecord Deserialize() => _serializer.Deserialize<ClientRecord>(_bytes)!;
}
