namespace Mirage.Tests.Shared;

/// <summary>Finds the repository's files (models, test vectors, configuration) from wherever the tests run.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "models");

    public static string Model(string file) => Path.Combine(Models, file);

    public static string TestVector(string file) => Path.Combine(Models, "testvectors", file);

    /// <summary>Raw little-endian float32 values of a test-vector file.</summary>
    public static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * sizeof(float));
        return values;
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orleans.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
