using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Options;

/// <summary>The embedded grain storage: one SQLite file.</summary>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    public const string DefaultPath = "data/grains.db";

    /// <summary>The database file; a relative path is taken from the working directory. Its folder is created.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>The silo lifecycle stage at which the schema is created, before grains can read.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <inheritdoc/>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}

/// <summary>Refuses a silo start on options that could only fail later, at a grain's first read.</summary>
internal sealed class SqliteGrainStorageOptionsValidator(SqliteGrainStorageOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var path = options.Path;
        var problem = string.IsNullOrWhiteSpace(path) ? "Path is empty; give the database file, e.g. data/grains.db"
            : path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 ? $"Path \"{path}\" contains characters a path cannot hold"
            : Directory.Exists(path) ? $"Path \"{path}\" is a folder; give a file inside it, e.g. {System.IO.Path.Combine(path, "grains.db")}"
            : GrainStorageStage.Problem(options.InitStage);
        if (problem is not null)
        {
            throw new OrleansConfigurationException($"SQLite grain storage \"{name}\": {problem}.");
        }
    }
}
