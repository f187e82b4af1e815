using Mirage.Client.Commands;
using Mirage.Tests.Shared;

namespace Mirage.Client.Tests.Commands;

public sealed class InputFileTests
{
    [Fact]
    public void Reads_the_shipped_test_vectors_as_rows()
    {
        var rows = InputFile.Read(RepositoryFiles.TestVector("fmnist-cnn.inputs.f32"), 784);

        Assert.Equal(256, rows.Length);
        Assert.All(rows, r => Assert.Equal(784, r.Length));
        Assert.All(rows.SelectMany(r => r), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void A_file_that_is_not_whole_rows_is_refused_with_its_size()
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, new byte[784 * 4 + 4]);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => InputFile.Read(path, 784));
            Assert.Contains("3140 bytes", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
