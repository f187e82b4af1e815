using System.Diagnostics;
using Mirage.Tests.Shared;

namespace Mirage.Silo.Tests.Storage;

/// <summary>Runs one of scripts/*.sh for a fixture; a failure fails the test (never skips it), with the script's output.</summary>
internal static class RepositoryScript
{
    /// <summary>The script's standard output, trimmed.</summary>
    public static string Run(string script, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepositoryFiles.Root, "scripts", script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"scripts/{script} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output}{error.Result}");
        return output.Trim();
    }
}
