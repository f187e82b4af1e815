using System.Data.Common;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Mirage.Grains.Clients;
using Mirage.Defense.Escalation;
using Mirage.Defense.Monitoring;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Runtime;
using Mirage.Interfaces.Tenants;
using Mirage.Silo.Runtime;
using Mirage.Silo.Storage;
using Npgsql;

namespace Mirage.Benchmarks.Storage;

/// <summary>
/// What a client grain pays its store once per cadence (ClientPersistenceOptions: every 50 observations
/// or 5 s), against 1,000 stored clients, each holding the record of <see cref="ObservedClient"/>:
/// Write is the compare-and-set UPDATE of pre-serialised bytes, WriteState what the grain awaits
/// (serialise, summary, then the same UPDATE), ReadState the activation's read (SELECT, deserialise).
/// Writes rotate over the clients, each on its own current ETag. "postgres" needs the server of
/// scripts/postgres.sh (port 55432, fsync off) and fails when it cannot reach it.
/// </summary>
[MemoryDiagnoser]
public class StorageWriteBenchmarks
{
    private const int Clients = 1_000;
    private const string PostgresServer = "Host=127.0.0.1;Port=55432;Username=postgres";

    private IGrainStorage _storage = null!;
    private string[] _keys = [];
    private PersistentState<ClientRecord>[] _states = [];
    private ClientSummary?[] _summaries = [];
    private string?[] _etags = [];
    private byte[] _bytes = [];
    private string _sqliteDirectory = "";
    private string _database = "";
    private int _next;

    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    // BenchmarkDotNet's in-process toolchain (0.14) does not await an async GlobalSetup or GlobalCleanup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _bytes = ObservedClient.Record();
        _storage = Provider switch
        {
            "sqlite" => new LegacySqliteGrainStorage(Path.Combine(_sqliteDirectory = TemporaryDirectory(), "grains.db")),
            "postgres" => new LegacyPostgresGrainStorage($"{PostgresServer};Database={_database = await CreateDatabaseAsync()}"),
            _ => throw new InvalidOperationException($"Unknown provider {Provider}."),
        };
        await _storage.InitializeAsync(default);

        _keys = new string[Clients];
        _states = new PersistentState<ClientRecord>[Clients];
        _summaries = new ClientSummary?[Clients];
        _etags = new string?[Clients];
        for (var i = 0; i < Clients; i++)
        {
            var key = _keys[i] = ClientGrainKey.Of(ObservedClient.Tenant, $"client-{i:D4}");
            await _storage.WriteAsync("client", key, _bytes, null, null, default);
            // As an activation does: read, then take the names from the key.
            _states[i] = new PersistentState<ClientRecord>(_storage, "client", key);
            await _states[i].ReadStateAsync();
            (_states[i].State.Tenant, _states[i].State.Client) = ClientGrainKey.Parse(key);
            await _states[i].WriteStateAsync();
            _etags[i] = _states[i].ETag;
            _summaries[i] = _states[i].State.Summary();
        }
    }

    private async Task CleanupAsync()
    {
        if (_storage is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        if (_sqliteDirectory.Length > 0)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_sqliteDirectory, recursive: true);
        }

        if (_database.Length > 0)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
    }

    [Benchmark]
    public async Task Write()
    {
        var i = Next();
        _etags[i] = await _storage.WriteAsync("client", _keys[i], _bytes, _etags[i], _summaries[i], default);
    }

    [Benchmark]
    public Task WriteState() => _states[Next()].WriteStateAsync();

    [Benchmark]
    public Task ReadState() => _states[Next()].ReadStateAsync();

    private int Next() => _next = (_next + 1) % Clients;

    internal static string TemporaryDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mirage-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>A fresh database per run, so runs never see each other's rows or dead tuples.</summary>
    private static async Task<string> CreateDatabaseAsync()
    {
        var database = $"mirage_bench_{Guid.NewGuid():N}";
        try
        {
            await ExecuteAsync($"CREATE DATABASE {database}");
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at {PostgresServer} ({ex.Message}); start it with `bash scripts/postgres.sh start`.", ex);
        }

        return database;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection($"{PostgresServer};Database=postgres");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// The record's JSON without the store: what WriteState adds to Write, and ReadState to the SELECT,
/// with PersistentState's own options (checked against the bytes it wrote).
/// </summary>
[MemoryDiagnoser]
public class StorageWriteSerializationBenchmarks
{
    private byte[] _bytes = [];
    private ClientRecord _record = new();

    [GlobalSetup]
    public void Setup()
    {
        _bytes = ObservedClient.Record();
        _record = Deserialize();
        if (!Serialize().AsSpan().SequenceEqual(_bytes))
        {
            throw new InvalidOperationException("These options no longer serialise the record as PersistentState does.");
        }

        var history = JsonSerializer.SerializeToUtf8Bytes(_record.History, GrainStateJson.Options).Length;
        Console.WriteLine($"// ClientRecord: {_bytes.Length:N0} bytes of JSON; history {_record.History.Count} points, {history:N0} bytes; "
            + $"queries {_record.Queries:N0}, suspicion {_record.Suspicion:F3}, level {_record.Level} ({_record.LevelName}), "
            + $"utility over {_record.Utility.Answers:N0} answers, override {_record.Override is not null}, split reason {_record.SplitReason.Length > 0}");
    }

    [Benchmark]
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(_record, GrainStateJson.Options);

    [Benchmark]
    public ClientRecord Deserialize() => JsonSerializer.Deserialize<ClientRecord>(_bytes, GrainStateJson.Options)!;
}

/// <summary>
/// One client after four hours of attack-like traffic, built by a real <see cref="ClientGrain"/> on the
/// default options, so every field is as the grain fills it: one 10-row request a minute for 300
/// minutes (history full at 240 points), then a raise from the tenant's watch and an operator's
/// override. Answers the JSON the grain last wrote.
/// </summary>
internal static class ObservedClient
{
    public const string Tenant = "acme";

    private const int Requests = 300;
    private const int Rows = 10;
    private const int InputLength = 784;
    private const int Classes = 10;

    private static readonly Lazy<byte[]> Built = new(() => BuildAsync().GetAwaiter().GetResult());

    public static byte[] Record() => Built.Value;

    private static async Task<byte[]> BuildAsync()
    {
        var directory = StorageWriteBenchmarks.TemporaryDirectory();
        try
        {
            var storage = new LegacySqliteGrainStorage(Path.Combine(directory, "build.db"));
            await storage.InitializeAsync(default);
            var key = ClientGrainKey.Of(Tenant, "client-0000");
            var clock = new ManualClock(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));
            var suspicion = new SuspicionOptions();
            var grain = new ClientGrain(new EscalationLadders(new Dictionary<string, EscalationLadder>()), new FeatureSpaces(suspicion),
                suspicion, new TenantWatchOptions(), new ClientPersistenceOptions(), new PersistentStateFactory(storage), clock);
            grain.Bind(key, new SilentTenant());
            await grain.OnActivateAsync(default);

            var random = new Random(11);
            for (var r = 0; r < Requests; r++)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                await grain.ObserveAsync(Request(random, clock.GetUtcNow()));
            }

            await grain.RaiseAsync(0.85, "tenant watch: 12 young keys sent 9,400 balanced queries in 10 minutes");
            await grain.SetOverrideAsync(new ClientOverride
            {
                Policy = new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 1.5, Norm = MadNorm.L2, Argmax = true },
            });
            await grain.OnDeactivateAsync(DeactivationReason.ShuttingDown, default);
            return (await storage.ReadAsync("client", key, default))!.State;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Uniform-noise images (what an extraction attack sends) and peaked posteriors, answered blurred.</summary>
    private static QueryObservation Request(Random random, DateTimeOffset at)
    {
        var inputs = new float[Rows * InputLength];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        var probabilities = new float[Rows * Classes];
        var answered = new float[Rows * Classes];
        for (var row = 0; row < Rows; row++)
        {
            var p = probabilities.AsSpan(row * Classes, Classes);
            var sum = 0.0;
            for (var k = 0; k < Classes; k++)
            {
                p[k] = (float)Math.Pow(random.NextDouble(), 3);
                sum += p[k];
            }

            for (var k = 0; k < Classes; k++)
            {
                p[k] = (float)(p[k] / sum);
                answered[row * Classes + k] = 0.8f * p[k] + 0.2f / Classes;
            }
        }

        return new QueryObservation
        {
            Model = "fmnist-cnn", Rows = Rows, InputLength = InputLength, Classes = Classes,
            Inputs = inputs, Probabilities = probabilities, Answered = answered, At = at,
        };
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>The tenant grain young keys report to; its verdicts are not part of this record.</summary>
    private sealed class SilentTenant : IGrainFactory, ITenantGrain
    {
        public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey => (TGrain)(object)this;

        public Task ObserveAsync(TenantObservation observation) => Task.CompletedTask;

        public Task<TenantStatus> GetStatusAsync() => throw new NotSupportedException();
    }
}
