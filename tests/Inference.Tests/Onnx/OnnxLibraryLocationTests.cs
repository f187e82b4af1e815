using Mirage.Inference.Onnx;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Tests.Shared;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>
/// Where the native library is looked for. These tests change the process environment, so they run
/// alone (other tests resolve the library in parallel otherwise).
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class OnnxLibraryLocationTests
{
    [Fact]
    public void The_library_path_comes_from_MIRAGE_ORT_LIBRARY_when_set()
    {
        // A link to the real library, so a test loading ORT in parallel still finds a working file.
        var folder = Directory.CreateTempSubdirectory("mirage-ort-");
        var link = Path.Combine(folder.FullName, "libonnxruntime.so.1");
        File.CreateSymbolicLink(link, OnnxLibrary.Environment.LibraryPath);
        var previous = Environment.GetEnvironmentVariable("MIRAGE_ORT_LIBRARY");
        try
        {
            Environment.SetEnvironmentVariable("MIRAGE_ORT_LIBRARY", link);
            Assert.Equal(link, OnnxEnvironment.FindLibrary());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MIRAGE_ORT_LIBRARY", previous);
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Without_configuration_the_library_is_found_under_the_repositorys_tools_folder()
    {
        Assert.Null(Environment.GetEnvironmentVariable("MIRAGE_ORT_LIBRARY"));
        Assert.Equal(Path.Combine(RepositoryFiles.Root, ".tools", "onnxruntime", "libonnxruntime.so.1"), OnnxEnvironment.FindLibrary());
    }

    [Fact]
    public void A_missing_library_says_how_to_fetch_it()
    {
        var error = Assert.Throws<FileNotFoundException>(() => OnnxEnvironment.Create("/nonexistent/libonnxruntime.so.1"));
        Assert.Contains("/nonexistent/libonnxruntime.so.1", error.Message);
        Assert.Contains("scripts/fetch-onnxruntime.sh", error.Message);
    }
}
