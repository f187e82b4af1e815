using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Mirage.Grains.Audit;
using Mirage.Interfaces.Audit;
using Mirage.Interfaces.Defense;
using Mirage.Silo.Storage.Serialization;
using Orleans;
using Orleans.Runtime;

namespace Mirage.Benchmarks.Storage;

/// <summary>
/// What one operator action costs the audit grain: it writes its whole bounded log (docs/API.md, audit
/// log) on SQLite before it answers. Logs of 1,000 and of 10,000 entries (the bound), each entry a
/// policy override with both sides' client state, as the grain stores them.
/// </summary>
[MemoryDiagnoser]
public class AuditWriteBenchmarks
{
    private BenchmarkSilo _silo = null!;
    private IGrainState<AuditLog> _log = null!;
    private readonly GrainId _grain = GrainId.Create("audit", "bench");
    private string _folder = "";

    [Params(1_000, AuditLimits.KeptEntries)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _silo.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task SetupAsync()
    {
        _folder = BenchmarkSilo.TemporaryDirectory();
        _silo = await BenchmarkSilo.StartAsync("sqlite", _folder, "");
        var log = new AuditLog();
        var at = DateTimeOffset.UnixEpoch.AddYears(56);
        for (var i = 1; i <= Entries; i++)
        {
            var before = new AuditedClientState { Level = 2, LevelName = "deceive", Suspicion = 0.8123456789, Queries = 52_100 + i };
            log.Entries.Add(new AuditEntry
            {
                Sequence = i, At = at.AddMinutes(i), Actor = "demo-operator", Role = "operator", Action = AuditAction.Override,
                Client = $"client-{i % 400:D4}", Before = before,
                After = before with { Override = new ClientOverride { Policy = new PerturbationPolicy { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.5, Gamma = 0.5 } } },
            });
        }

        log.LastSequence = Entries;
        _log = new GrainState<AuditLog>(log);
        await _silo.Storage.WriteStateAsync("audit", _grain, _log);
        Console.WriteLine($"// AuditLog of {Entries:N0} entries: {new MirageGrainStateSerializer().Serialize(log).ToMemory().Length:N0} bytes of JSON");
    }

    [Benchmark]
    public Task Write() => _silo.Storage.WriteStateAsync("audit", _grain, _log);
}
