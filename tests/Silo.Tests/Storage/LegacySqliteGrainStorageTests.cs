using Mirage.Silo.Storage;

namespace Mirage.Silo.Tests.Storage;

public sealed class LegacySqliteGrainStorageTests : LegacyGrainStorageConformance, IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"mirage-{Guid.NewGuid():N}", "grains.db");
    private readonly LegacySqliteGrainStorage _storage;

    public LegacySqliteGrainStorageTests() => _storage = new LegacySqliteGrainStorage(_path);

    protected override IGrainStorage Storage => _storage;

    public Task InitializeAsync() => _storage.InitializeAsync(default);

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        return Task.CompletedTask;
    }
}
