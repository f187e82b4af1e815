using System.Diagnostics;
using Mirage.Tests.Shared;

namespace Mirage.Inference.Tests;

/// <summary>scripts/gpu-check.sh: refuses clearly where there is no GPU (here, CI), and passes where there is one.</summary>
public sealed class GpuCheckScriptTests
{
    [Fact]
    public async Task Without_a_cuda_device_it_exits_2_saying_so_and_builds_nothing()
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryFiles.Root, "scripts", "gpu-check.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var script = Process.Start(start)!;
        var error = script.StandardError.ReadToEndAsync();
        var output = script.StandardOutput.ReadToEndAsync();
        await script.WaitForExitAsync();

        if (File.Exists("/dev/nvidia0"))
        {
            Assert.True(script.ExitCode == 0, $"gpu-check failed on a GPU machine:\n{await output}\n{await error}");
            Assert.Contains("gpu-check: passed", await output);
            return;
        }

        Assert.Equal(2, script.ExitCode);
        Assert.Contains("gpu-check: no CUDA device on this machine", await error);
        Assert.Equal("", await output);
    }
}
